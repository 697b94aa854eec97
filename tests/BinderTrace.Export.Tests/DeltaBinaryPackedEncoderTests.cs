using System.Globalization;
using System.Numerics;
using BinderTrace.Export.Parquet;
using BinderTrace.Export.Tables;
using FsCheck;
using FsCheck.Fluent;

namespace BinderTrace.Tests;

/// <summary>
/// DELTA_BINARY_PACKED against the two worked examples of Parquet's Encodings.md (bytes derived by hand below),
/// a decoder written here from the spec, and the interop readers on timestamps that jump backwards and far.
/// </summary>
public sealed class DeltaBinaryPackedEncoderTests
{
    [Fact]
    public void Encodings_md_example_1_to_5_is_a_header_and_one_block_of_width_zero()
    {
        // Header: ULEB(128) = 80 01, ULEB(4) = 04, ULEB(5) = 05, zigzag(1) = 02.
        // Block: deltas 1 1 1 1 → min delta zigzag(1) = 02; every delta − min is 0 → widths 00 00 00 00, no miniblock bytes.
        Assert.Equal(new byte[] { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00 }, Encode([1, 2, 3, 4, 5]));
    }

    [Fact]
    public void Encodings_md_example_7_5_3_1_2_3_4_5_packs_the_relative_deltas_at_width_2()
    {
        // Header: 80 01 04, ULEB(8) = 08, zigzag(7) = 0E.
        // Deltas −2 −2 −2 1 1 1 1 → min −2, zigzag(−2) = 03; relative 0 0 0 3 3 3 3 → width 2 for miniblock 1, 0 for the
        // unused three. Miniblock 1: 32 values × 2 bits = 8 bytes, LSB first: 0,0,0,3 → 0b11000000 = C0;
        // 3,3,3,0 (padding) → 0b00111111 = 3F; then six zero bytes.
        Assert.Equal(
            new byte[] { 0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0 },
            Encode([7, 5, 3, 1, 2, 3, 4, 5]));
    }

    [Fact]
    public void No_values_and_one_value_are_a_header_alone()
    {
        Assert.Equal(new byte[] { 0x80, 0x01, 0x04, 0x00, 0x00 }, Encode([]));
        // zigzag(−3) = 5.
        Assert.Equal(new byte[] { 0x80, 0x01, 0x04, 0x01, 0x05 }, Encode([-3]));
    }

    [Fact]
    public void Any_sequence_decodes_back_to_itself_including_wrapping_deltas()
    {
        var extremes = Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L, 1L << 40);
        var values = Gen.OneOf(Gen.Choose(-1000, 1000).Select(i => (long)i), extremes, ArbMap.Default.GeneratorFor<long>());
        Prop.ForAll(
            Gen.ArrayOf(values).ToArbitrary(),
            array => Decode(Encode(array)).SequenceEqual(array))
            .QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(129)]   // one full block of 128 deltas
    [InlineData(130)]   // a second block with one delta
    [InlineData(161)]   // a second block whose first miniblock is exactly full
    [InlineData(1000)]
    public void Block_and_miniblock_boundaries_decode_back(int count)
    {
        var values = Enumerable.Range(0, count).Select(i => (1_700_000_000_000_000_000L + (i * 997L)) ^ (i % 37 == 0 ? 1L << 33 : 0)).ToArray();
        Assert.Equal(values, Decode(Encode(values)));
    }

    [Fact]
    [Trait("Category", "Interop")]
    public void Every_reader_reads_back_timestamps_that_go_backwards_jump_far_and_have_nulls()
    {
        // A nearly sorted clock with a step back every 50 rows, a 2^40 ns gap every 997 rows and a null every 7th row,
        // over several pages and row groups so each page's encoding starts afresh.
        const int n = 5000;
        long[] ts = new long[n];
        var t = 1_700_000_000_123_456_789L;
        for (var i = 0; i < n; i++)
        {
            t += i % 50 == 49 ? -4_321 : i % 997 == 996 ? 1L << 40 : 1_003 + (i % 13);
            ts[i] = t;
        }

        var table = new TableDefinition<int>("t")
            .Timestamp("ts", (in int i) => ts[i])
            .Timestamp("maybe_ts", (in int i, out long v) =>
            {
                v = ts[i];
                return i % 7 != 0;
            });
        using var dir = new TempDirectory();
        var path = dir.File("ts.parquet");
        using (var stream = File.Create(path))
        {
            var writer = new ParquetTableWriter<int>(table, stream, new ParquetWriterOptions { RowGroupRows = 1700, PageRows = 300, DeltaTimestamps = true });
            for (var i = 0; i < n; i++)
            {
                writer.Append(in i);
            }

            writer.Complete();
        }

        var present = Enumerable.Range(0, n).Where(i => i % 7 != 0).Select(i => ts[i]).ToList();
        foreach (var reader in InteropReaders.All)
        {
            var summary = InteropReaders.Summarize(reader, path);
            Assert.Equal(n, summary.Rows);
            if (reader == InteropReaders.ParquetWasm)
            {
                continue;   // parquet-wasm's summary has row counts and metadata only
            }

            Assert.Equal(Summary(ts), summary.Columns["ts"]);
            Assert.Equal(Summary(present), summary.Columns["maybe_ts"]);
        }

        Assert.Contains("DELTA_BINARY_PACKED", InteropReaders.Summarize(InteropReaders.DuckDb, path).Encodings["ts"]);
    }

    private static ColumnSummary Summary(IReadOnlyCollection<long> values) => new(
        values.Count,
        values.Aggregate(BigInteger.Zero, (a, b) => a + b).ToString(CultureInfo.InvariantCulture),
        values.Min().ToString(CultureInfo.InvariantCulture),
        values.Max().ToString(CultureInfo.InvariantCulture));

    private static byte[] Encode(long[] values)
    {
        var body = new PageBodyBuffer();
        DeltaBinaryPackedEncoder.Encode(values, body);
        return body.WrittenSpan.ToArray();
    }

    /// <summary>A decoder written from Encodings.md: header, then blocks of min delta, widths and bit-packed miniblocks.</summary>
    private static long[] Decode(byte[] data)
    {
        var pos = 0;
        ulong Uleb()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[pos++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        long ZigZag()
        {
            var u = Uleb();
            return (long)(u >> 1) ^ -(long)(u & 1);
        }

        var blockSize = (int)Uleb();
        var miniblocks = (int)Uleb();
        var count = (int)Uleb();
        var result = new List<long>();
        if (count == 0)
        {
            ZigZag();
            return [];
        }

        result.Add(ZigZag());
        var perMiniblock = blockSize / miniblocks;
        while (result.Count < count)
        {
            var minDelta = ZigZag();
            var widths = data.AsSpan(pos, miniblocks).ToArray();
            pos += miniblocks;
            for (var m = 0; m < miniblocks && result.Count < count; m++)
            {
                for (var v = 0; v < perMiniblock; v++)
                {
                    ulong x = 0;
                    for (var bit = 0; bit < widths[m]; bit++)
                    {
                        var absolute = (v * widths[m]) + bit;
                        x |= (ulong)((data[pos + (absolute / 8)] >> (absolute % 8)) & 1) << bit;
                    }

                    if (result.Count < count)
                    {
                        result.Add(unchecked(result[^1] + minDelta + (long)x));
                    }
                }

                pos += perMiniblock * widths[m] / 8;
            }
        }

        return [.. result];
    }
}
