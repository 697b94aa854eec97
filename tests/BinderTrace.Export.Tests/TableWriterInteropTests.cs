using System.Globalization;
using System.Numerics;
using BinderTrace.Export.Parquet;
using BinderTrace.Export.Tables;

namespace BinderTrace.Tests;

/// <summary>
/// Writes hand-made rows through the typed table layer and reads them back with DuckDB, hyparquet and
/// parquet-wasm. Expected aggregates are computed here from the input rows (LINQ / BigInteger), never from
/// the writer, and every reader must agree with them exactly.
/// </summary>
[Trait("Category", "Interop")]
public sealed class TableWriterInteropTests
{
    private const int RowCount = 5000;

    // Not a multiple of 1000: DuckDB would show microsecond truncation, hyparquet a Date conversion.
    private const long BaseTimestamp = 1_700_000_000_123_456_789;

    private static readonly ParquetWriterOptions SmallGroups = new()
    {
        // Several row groups and several pages per chunk, with a partial last page and group.
        RowGroupRows = 1700,
        PageRows = 300,
        CreatedBy = "bindertrace-tests version 1",
    };

    private readonly record struct Row(int Id, long Big, ulong U64, uint U32, bool Flag, int? MaybeInt, long Ts, string Name, string? Text, double? Ratio);

    [Theory]
    [InlineData(ParquetCompression.None, "UNCOMPRESSED")]
    [InlineData(ParquetCompression.Gzip, "GZIP")]
    [InlineData(ParquetCompression.Brotli, "BROTLI")]
    [InlineData(ParquetCompression.Zstd, "ZSTD")]
    public void Every_column_type_round_trips_exactly_in_every_reader(ParquetCompression compression, string codecName)
    {
        var rows = Enumerable.Range(0, RowCount).Select(MakeRow).ToArray();
        using var dir = new TempDirectory();
        var path = dir.File("t.parquet");
        using (var stream = File.Create(path))
        {
            var writer = new ParquetTableWriter<Row>(Define(), stream, SmallGroups with { Compression = compression });
            foreach (var row in rows)
            {
                writer.Append(in row);
            }

            writer.AddKeyValue("test.key", "value ü");
            writer.Complete();
        }

        // Every chunk carries the codec asked for (DuckDB spells parquet.thrift's CompressionCodec names).
        var codecs = DuckDbReader.Query($"SELECT DISTINCT compression AS c FROM parquet_metadata('{path}')");
        Assert.Equal([codecName], codecs.Select(r => r["c"]));

        var expected = Expected(rows);
        foreach (var reader in InteropReaders.All)
        {
            var summary = InteropReaders.Summarize(reader, path);
            Assert.Equal(RowCount, summary.Rows);
            Assert.Equal("value ü", summary.Metadata["test.key"]);
            if (reader == InteropReaders.ParquetWasm)
            {
                Assert.Equal("bindertrace-tests version 1", summary.CreatedBy);
                continue;
            }

            var ratios = rows.Where(r => r.Ratio.HasValue).Select(r => r.Ratio!.Value).ToList();
            var ratio = summary.Columns["ratio"];
            Assert.Equal(ratios.Count, ratio.Count);
            Assert.Equal(ratios.Sum(), double.Parse(ratio.Sum!, CultureInfo.InvariantCulture));
            Assert.Equal(ratios.Min(), double.Parse(ratio.Min!, CultureInfo.InvariantCulture));
            Assert.Equal(ratios.Max(), double.Parse(ratio.Max!, CultureInfo.InvariantCulture));
            foreach (var (column, want) in expected)
            {
                Assert.True(summary.Columns.TryGetValue(column, out var got), $"{reader}: column {column} missing");
                Assert.Equal((column, want), (column, got));
            }
        }
    }

    [Fact]
    public void Zstd_pages_of_libzstd_and_of_ZstdSharp_read_back_alike_in_every_reader()
    {
        var rows = Enumerable.Range(0, RowCount).Select(MakeRow).ToArray();
        using var dir = new TempDirectory();
        var expected = Expected(rows);
        foreach (var managed in new[] { false, true })
        {
            var path = dir.File($"managed-{managed}.parquet");
            WriteAll(path, rows, SmallGroups with { Compression = ParquetCompression.Zstd, ManagedZstd = managed });
            foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
            {
                var summary = InteropReaders.Summarize(reader, path);
                Assert.Equal(RowCount, summary.Rows);
                foreach (var (column, want) in expected)
                {
                    Assert.Equal((managed, reader, column, want), (managed, reader, column, summary.Columns[column]));
                }
            }

            Assert.Equal(RowCount, InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Rows);
            Assert.Equal(RowCount, ParquetNetReader.Summarize(path).Rows);
        }
    }

    [Fact]
    public void DuckDb_sees_the_logical_types_and_encodings_of_FORMATS_4_5()
    {
        var rows = Enumerable.Range(0, 100).Select(MakeRow).ToArray();
        using var dir = new TempDirectory();
        var path = dir.File("t.parquet");
        WriteAll(path, rows, ParquetWriterOptions.Default);

        var summary = InteropReaders.Summarize(InteropReaders.DuckDb, path);
        Assert.Equal("INTEGER", summary.Types["id"]);
        Assert.Equal("BIGINT", summary.Types["big"]);
        Assert.Equal("UBIGINT", summary.Types["u64"]);
        Assert.Equal("UINTEGER", summary.Types["u32"]);
        Assert.Equal("BOOLEAN", summary.Types["flag"]);
        Assert.Equal("TIMESTAMP_NS", summary.Types["ts"]);   // isAdjustedToUTC=false keeps nanoseconds
        Assert.Equal("VARCHAR", summary.Types["name"]);
        Assert.Equal("DOUBLE", summary.Types["ratio"]);
        // Dictionary column: PLAIN dictionary page + RLE_DICTIONARY data pages; plain optional column: PLAIN + RLE levels.
        Assert.Contains("RLE_DICTIONARY", summary.Encodings["name"]);
        Assert.DoesNotContain("RLE_DICTIONARY", summary.Encodings["text"]);
        Assert.Equal("PLAIN, RLE_DICTIONARY", summary.Encodings["cpu_dict"]);
        Assert.Equal("PLAIN", summary.Encodings["id"]);
    }

    [Fact]
    public void Dictionary_column_falls_back_to_plain_for_the_rest_of_a_chunk_that_has_too_many_distinct_values()
    {
        // 70,000 distinct strings exceed the 65,536-entry dictionary limit inside one row group: the first two pages
        // of 32,768 rows fill the dictionary exactly, so the third page falls back to PLAIN.
        const int n = 70_000;
        var table = new TableDefinition<int>("d").String("key", static (in int i) => "k" + i.ToString("D6", CultureInfo.InvariantCulture), dictionary: true);
        using var dir = new TempDirectory();
        var path = dir.File("d.parquet");
        using (var stream = File.Create(path))
        {
            var writer = new ParquetTableWriter<int>(table, stream, ParquetWriterOptions.Default);
            for (var i = 0; i < n; i++)
            {
                writer.Append(in i);
            }

            writer.Complete();
        }

        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var summary = InteropReaders.Summarize(reader, path);
            Assert.Equal(n, summary.Rows);
            Assert.Equal(new ColumnSummary(n, null, "k000000", "k069999"), summary.Columns["key"]);
        }

        Assert.Equal("PLAIN, RLE_DICTIONARY", InteropReaders.Summarize(InteropReaders.DuckDb, path).Encodings["key"]);
        Assert.Equal(n, InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Rows);
    }

    [Fact]
    public void Integer_dictionary_falls_back_to_plain_for_the_rest_of_a_chunk_past_its_entry_limit()
    {
        // 140,000 rows of i / 2: 70,000 distinct values, each twice. Pages of 32,768 rows bring 16,384 new values each,
        // so the first four pages fill the 65,536 entries exactly and the fifth page falls back to PLAIN.
        const int n = 140_000;
        using var dir = new TempDirectory();
        var path = dir.File("d.parquet");
        WriteInts(path, n, static (in int i) => (long)i / 2);
        Assert.Equal("PLAIN, RLE_DICTIONARY", InteropReaders.Summarize(InteropReaders.DuckDb, path).Encodings["v"]);
        var expected = Enumerable.Range(0, n).Select(i => (BigInteger)(i / 2)).ToList();
        AssertReadBack(path, n, expected);
    }

    [Fact]
    public void Integer_dictionary_gives_way_to_plain_when_values_hardly_repeat()
    {
        // Every value distinct: after the first page (32,768 entries for 32,768 values) the dictionary does not pay,
        // so that page and the rest of the chunk are PLAIN and no dictionary page is written.
        const int n = 70_000;
        using var dir = new TempDirectory();
        var path = dir.File("d.parquet");
        WriteInts(path, n, static (in int i) => (i * 7_919L) - 1_000_000);
        Assert.Equal("PLAIN", InteropReaders.Summarize(InteropReaders.DuckDb, path).Encodings["v"]);
        AssertReadBack(path, n, Enumerable.Range(0, n).Select(i => (BigInteger)((i * 7_919L) - 1_000_000)).ToList());
    }

    [Fact]
    public void A_dictionary_column_with_pages_and_row_groups_of_nulls_reads_back()
    {
        // Pages of 100 rows, row groups of 1,000. "tag" holds a value only in rows 200-299 and 2,500-2,549: every other
        // page has no value (written PLAIN), and the row groups 1,000-1,999 and 3,000-3,999 have none at all (no dictionary).
        const int n = 4000;
        static string? Tag(int i) => i is >= 200 and < 300 ? "early" : i is >= 2500 and < 2550 ? "late-" + (i % 3).ToString(CultureInfo.InvariantCulture) : null;
        var table = new TableDefinition<int>("n").Int32("i", static (in int i) => i).String("tag", static (in int i) => Tag(i), optional: true, dictionary: true);
        using var dir = new TempDirectory();
        var path = dir.File("n.parquet");
        using (var stream = File.Create(path))
        {
            var writer = new ParquetTableWriter<int>(table, stream, new ParquetWriterOptions { RowGroupRows = 1000, PageRows = 100 });
            for (var i = 0; i < n; i++)
            {
                writer.Append(in i);
            }

            writer.Complete();
        }

        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var s = InteropReaders.Summarize(reader, path);
            Assert.Equal((n, 4), (s.Rows, s.RowGroups));
            Assert.Equal(new ColumnSummary(150, null, "early", "late-2"), s.Columns["tag"]);
        }

        Assert.Equal(n, InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Rows);
    }

    [Fact]
    public void Row_groups_are_cut_by_row_count_and_by_buffered_bytes()
    {
        using var dir = new TempDirectory();
        var table = new TableDefinition<long>("n").Int64("v", static (in long v) => v);

        // 5000 rows, 1700 per group → 1700 + 1700 + 1600: three groups.
        var byRows = dir.File("rows.parquet");
        WriteLongs(byRows, table, 5000, SmallGroups);
        // One INT64 column buffers 8 bytes a row; the byte limit is checked every 4096 rows, so a 1 MiB limit cuts
        // at 131,072 rows (= 32 × 4096, 8 × 131,072 = 1 MiB): 300,000 rows → 131,072 + 131,072 + 37,856.
        var byBytes = dir.File("bytes.parquet");
        WriteLongs(byBytes, table, 300_000, new ParquetWriterOptions { RowGroupBytes = 1 << 20 });

        foreach (var reader in InteropReaders.All)
        {
            Assert.Equal(3, InteropReaders.Summarize(reader, byRows).RowGroups);
            var s = InteropReaders.Summarize(reader, byBytes);
            Assert.Equal((3, 300_000L), (s.RowGroups, s.Rows));
        }

        // 0 + 1 + … + 299,999 = 299,999 × 300,000 / 2
        Assert.Equal("44999850000", InteropReaders.Summarize(InteropReaders.DuckDb, byBytes).Columns["v"].Sum);
    }

    [Fact]
    public void Columns_absent_from_a_row_class_are_null_without_calling_their_getter()
    {
        // Row i has class i % 3; "a" exists only in class 0 and its getter throws for any other row; "b" only in
        // classes 1 and 2. Row groups of 4000 make the null padding cross flushes.
        const int n = 10_000;
        var table = new TableDefinition<int>("c", static (in int i) => i % 3, 3)
            .Int32("i", static (in int i) => i)
            .Int64("a", static (in int i) => i % 3 == 0 ? i : throw new InvalidOperationException($"getter of 'a' called for row {i}"), [0])
            .String("b", static (in int i) => "x" + i.ToString(CultureInfo.InvariantCulture), presentIn: [1, 2]);
        using var dir = new TempDirectory();
        var path = dir.File("c.parquet");
        using (var stream = File.Create(path))
        {
            var writer = new ParquetTableWriter<int>(table, stream, new ParquetWriterOptions { RowGroupRows = 4000, PageRows = 700 });
            for (var i = 0; i < n; i++)
            {
                writer.Append(in i);
            }

            writer.Complete();
        }

        var multiplesOf3 = Enumerable.Range(0, n).Where(i => i % 3 == 0).ToList();
        var others = Enumerable.Range(0, n).Where(i => i % 3 != 0).Select(i => "x" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var s = InteropReaders.Summarize(reader, path);
            Assert.Equal(n, s.Rows);
            Assert.Equal(new ColumnSummary(multiplesOf3.Count, multiplesOf3.Sum(i => (long)i).ToString(CultureInfo.InvariantCulture), "0", "9999"), s.Columns["a"]);
            Assert.Equal(new ColumnSummary(others.Count, null, others.Min(StringComparer.Ordinal), others.Max(StringComparer.Ordinal)), s.Columns["b"]);
        }
    }

    [Fact]
    public void A_table_with_no_rows_is_a_valid_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("empty.parquet");
        WriteAll(path, [], ParquetWriterOptions.Default);
        foreach (var reader in InteropReaders.All)
        {
            Assert.Equal(0, InteropReaders.Summarize(reader, path).Rows);
        }
    }

    private static Row MakeRow(int i) => new(
        Id: i,
        Big: (i * 1_000_000_007L) - 3,
        U64: ulong.MaxValue - (ulong)i,
        U32: uint.MaxValue - (uint)i,
        Flag: i % 3 == 0,
        MaybeInt: i % 4 == 0 ? null : -i,
        Ts: BaseTimestamp + (i * 1_001L),
        Name: "comm-" + (i % 7).ToString(CultureInfo.InvariantCulture),
        Text: i % 5 == 0 ? null : $"payload {i.ToString(CultureInfo.InvariantCulture)} é",
        // Quarters are exact in binary, so every reader's sum is exact whatever its summation order.
        Ratio: i % 6 == 0 ? null : (i * 0.25) - 100);

    private static TableDefinition<Row> Define() => new TableDefinition<Row>("t")
        .Int32("id", static (in Row r) => r.Id)
        .Int64("big", static (in Row r) => r.Big)
        .UInt64("u64", static (in Row r) => r.U64)
        .UInt32("u32", static (in Row r) => r.U32)
        .Boolean("flag", static (in Row r) => r.Flag)
        .Int32("maybe_int", static (in Row r, out int v) =>
        {
            v = r.MaybeInt.GetValueOrDefault();
            return r.MaybeInt.HasValue;
        })
        .Timestamp("ts", static (in Row r) => r.Ts)
        // Dictionary-encoded integers: few distinct values (incl. each type's extremes), a nullable one, and one that is all distinct.
        .Int32("cpu_dict", static (in Row r) => r.Id % 7 == 0 ? int.MinValue : (r.Id % 13) - 6, dictionary: true)
        .Int64("big_dict", static (in Row r) => r.Id % 3 == 0 ? long.MaxValue : r.Big % 1000, dictionary: true)
        .UInt32("u32_dict", static (in Row r) => uint.MaxValue - (uint)(r.Id % 5), dictionary: true)
        .UInt64("u64_dict", static (in Row r, out ulong v) =>
        {
            v = ulong.MaxValue - (ulong)(r.Id % 11);
            return r.Id % 4 != 1;
        }, dictionary: true)
        .Int32("id_dict", static (in Row r) => r.Id, dictionary: true)
        .String("name", static (in Row r) => r.Name, dictionary: true)
        .String("text", static (in Row r) => r.Text, optional: true)
        .Double("ratio", static (in Row r, out double v) =>
        {
            v = r.Ratio.GetValueOrDefault();
            return r.Ratio.HasValue;
        });

    private static void WriteAll(string path, Row[] rows, ParquetWriterOptions options)
    {
        using var stream = File.Create(path);
        var writer = new ParquetTableWriter<Row>(Define(), stream, options);
        foreach (var row in rows)
        {
            writer.Append(in row);
        }

        writer.Complete();
    }

    private static void WriteInts(string path, int count, ColumnValue<int, long> value)
    {
        var table = new TableDefinition<int>("d").Int64("v", value, dictionary: true);
        using var stream = File.Create(path);
        var writer = new ParquetTableWriter<int>(table, stream, ParquetWriterOptions.Default with { Compression = ParquetCompression.Zstd });
        for (var i = 0; i < count; i++)
        {
            writer.Append(in i);
        }

        writer.Complete();
    }

    private static void AssertReadBack(string path, int rows, List<BigInteger> values)
    {
        var want = new ColumnSummary(
            values.Count,
            values.Aggregate(BigInteger.Zero, (a, b) => a + b).ToString(CultureInfo.InvariantCulture),
            values.Min().ToString(CultureInfo.InvariantCulture),
            values.Max().ToString(CultureInfo.InvariantCulture));
        foreach (var reader in InteropReaders.All.Where(r => r != InteropReaders.ParquetWasm))
        {
            var summary = InteropReaders.Summarize(reader, path);
            Assert.Equal((reader, rows, want), (reader, (int)summary.Rows, summary.Columns["v"]));
        }

        Assert.Equal(rows, InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Rows);
        var net = ParquetNetReader.Summarize(path);
        Assert.Equal((rows, want), ((int)net.Rows, net.Columns["v"]));
    }

    private static void WriteLongs(string path, TableDefinition<long> table, int count, ParquetWriterOptions options)
    {
        using var stream = File.Create(path);
        var writer = new ParquetTableWriter<long>(table, stream, options);
        for (long i = 0; i < count; i++)
        {
            writer.Append(in i);
        }

        writer.Complete();
    }

    private static Dictionary<string, ColumnSummary> Expected(Row[] rows)
    {
        static ColumnSummary Numbers(IEnumerable<BigInteger> values)
        {
            var list = values.ToList();
            return new ColumnSummary(list.Count, Sum(list), list.Min().ToString(CultureInfo.InvariantCulture), list.Max().ToString(CultureInfo.InvariantCulture));
        }

        static string Sum(List<BigInteger> values) => values.Aggregate(BigInteger.Zero, (a, b) => a + b).ToString(CultureInfo.InvariantCulture);

        var texts = rows.Where(r => r.Text is not null).Select(r => r.Text!).ToList();
        return new Dictionary<string, ColumnSummary>
        {
            ["id"] = Numbers(rows.Select(r => (BigInteger)r.Id)),
            ["big"] = Numbers(rows.Select(r => (BigInteger)r.Big)),
            ["u64"] = Numbers(rows.Select(r => (BigInteger)r.U64)),
            ["u32"] = Numbers(rows.Select(r => (BigInteger)r.U32)),
            ["flag"] = new ColumnSummary(rows.Length, rows.Count(r => r.Flag).ToString(CultureInfo.InvariantCulture), null, null),
            ["maybe_int"] = Numbers(rows.Where(r => r.MaybeInt.HasValue).Select(r => (BigInteger)r.MaybeInt!.Value)),
            ["ts"] = Numbers(rows.Select(r => (BigInteger)r.Ts)),
            ["cpu_dict"] = Numbers(rows.Select(r => (BigInteger)(r.Id % 7 == 0 ? int.MinValue : (r.Id % 13) - 6))),
            ["big_dict"] = Numbers(rows.Select(r => (BigInteger)(r.Id % 3 == 0 ? long.MaxValue : r.Big % 1000))),
            ["u32_dict"] = Numbers(rows.Select(r => (BigInteger)(uint.MaxValue - (uint)(r.Id % 5)))),
            ["u64_dict"] = Numbers(rows.Where(r => r.Id % 4 != 1).Select(r => (BigInteger)(ulong.MaxValue - (ulong)(r.Id % 11)))),
            ["id_dict"] = Numbers(rows.Select(r => (BigInteger)r.Id)),
            ["name"] = new ColumnSummary(rows.Length, null, "comm-0", "comm-6"),
            ["text"] = new ColumnSummary(texts.Count, null, texts.Min(StringComparer.Ordinal), texts.Max(StringComparer.Ordinal)),
        };
    }
}
