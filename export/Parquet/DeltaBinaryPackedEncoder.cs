using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// The DELTA_BINARY_PACKED encoding (Parquet Encodings.md, "Delta Encoding") for INT64 values. Trace timestamps
/// are nearly sorted, so their deltas need a dozen bits where PLAIN spends 64, and the compressor has far less to do.
/// <para>
/// Layout: a header <c>ULEB128(block size) ULEB128(miniblocks per block) ULEB128(value count) zigzag(first value)</c>,
/// then per block of <see cref="BlockSize"/> deltas <c>zigzag(min delta)</c>, one bit-width byte per miniblock and the
/// miniblocks: (delta − min delta) bit-packed LSB first, <see cref="MiniblockSize"/> values each. Deltas wrap on
/// overflow, as the format allows. The last block's unused miniblocks have width 0 and no bytes; its last used
/// miniblock is padded with zeros to a full one.
/// </para>
/// </summary>
internal static class DeltaBinaryPackedEncoder
{
    public const int BlockSize = 128;
    public const int MiniblocksPerBlock = 4;
    public const int MiniblockSize = BlockSize / MiniblocksPerBlock;

    public static void Encode(ReadOnlySpan<long> values, IBufferWriter<byte> output)
    {
        Uleb128.Write(BlockSize, output);
        Uleb128.Write(MiniblocksPerBlock, output);
        Uleb128.Write((ulong)values.Length, output);
        Uleb128.Write(ZigZag(values.IsEmpty ? 0 : values[0]), output);
        Span<ulong> block = stackalloc ulong[BlockSize];
        for (var start = 1; start < values.Length; start += BlockSize)
        {
            var count = Math.Min(BlockSize, values.Length - start);
            var minDelta = long.MaxValue;
            for (var i = 0; i < count; i++)
            {
                var delta = unchecked(values[start + i] - values[start + i - 1]);
                block[i] = (ulong)delta;
                minDelta = Math.Min(minDelta, delta);
            }

            WriteBlock(block[..count], minDelta, output);
        }
    }

    private static void WriteBlock(Span<ulong> deltas, long minDelta, IBufferWriter<byte> output)
    {
        Uleb128.Write(ZigZag(minDelta), output);
        Span<int> widths = stackalloc int[MiniblocksPerBlock];
        var used = (deltas.Length + MiniblockSize - 1) / MiniblockSize;
        var header = output.GetSpan(MiniblocksPerBlock);
        for (var m = 0; m < MiniblocksPerBlock; m++)
        {
            ulong any = 0;
            for (var i = m * MiniblockSize; i < Math.Min(deltas.Length, (m + 1) * MiniblockSize); i++)
            {
                deltas[i] = unchecked(deltas[i] - (ulong)minDelta);
                any |= deltas[i];
            }

            widths[m] = 64 - BitOperations.LeadingZeroCount(any);
            header[m] = (byte)widths[m];
        }

        output.Advance(MiniblocksPerBlock);
        Span<ulong> miniblock = stackalloc ulong[MiniblockSize];
        for (var m = 0; m < used; m++)
        {
            var from = m * MiniblockSize;
            var count = Math.Min(MiniblockSize, deltas.Length - from);
            miniblock.Clear();
            deltas.Slice(from, count).CopyTo(miniblock);
            Pack(miniblock, widths[m], output);
        }
    }

    /// <summary>Bit-packs <see cref="MiniblockSize"/> values of <paramref name="width"/> bits, LSB first: exactly 4 × width bytes.</summary>
    private static void Pack(ReadOnlySpan<ulong> values, int width, IBufferWriter<byte> output)
    {
        var byteCount = MiniblockSize * width / 8;
        if (byteCount == 0)
        {
            return;
        }

        var target = output.GetSpan(byteCount)[..byteCount];
        var written = 0;
        ulong word = 0;
        var bits = 0;
        foreach (var value in values)
        {
            word |= value << bits;
            if (bits + width < 64)
            {
                bits += width;
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(target[written..], word);
            written += 8;
            // The part of the value that did not fit in the word starts the next one (none when it fitted exactly).
            var spilled = bits + width - 64;
            word = spilled == 0 ? 0 : value >> (width - spilled);
            bits = spilled;
        }

        for (; written < byteCount; written++, word >>= 8)
        {
            target[written] = (byte)word;
        }

        output.Advance(byteCount);
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
