using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// The RLE / bit-packed hybrid encoding (Parquet Encodings.md; FORMATS.md §4.4) used for definition levels
/// and dictionary indices. Runs of 8 or more equal values become RLE runs; everything else is bit-packed in
/// groups of 8, LSB first. Only the final group may be padded, because readers stop at num_values.
/// </summary>
internal static class RleHybridEncoder
{
    private const int MinRleRun = 8;

    /// <summary>The bit width that fits every value in [0, maxValue]; at least 1 (FORMATS.md §4.4).</summary>
    public static int BitWidthFor(int maxValue) => Math.Max(1, 32 - BitOperations.LeadingZeroCount((uint)maxValue));

    public static void Encode<T>(ReadOnlySpan<T> values, int bitWidth, IBufferWriter<byte> output)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitWidth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, 32);
        var position = 0;
        var literalStart = -1;
        while (position < values.Length)
        {
            var run = RunLength(values, position);
            if (run >= MinRleRun)
            {
                if (literalStart >= 0)
                {
                    WriteBitPacked(values[literalStart..position], bitWidth, output);
                    literalStart = -1;
                }

                WriteRle(uint.CreateTruncating(values[position]), run, bitWidth, output);
                position += run;
                continue;
            }

            if (literalStart < 0)
            {
                literalStart = position;
            }

            position += Math.Min(8, values.Length - position);
        }

        if (literalStart >= 0)
        {
            WriteBitPacked(values[literalStart..], bitWidth, output);
        }
    }

    /// <summary>
    /// Definition levels of a flat optional column (0 or 1 each) at bit width 1: the same runs and groups as
    /// <see cref="Encode{T}"/> gives, found and packed eight levels at a time. Every optional column of every page
    /// goes through here (the events table: 44 columns × every row), so the generic per-value loop would cost more than
    /// the values themselves.
    /// </summary>
    public static void EncodeLevels(ReadOnlySpan<byte> levels, IBufferWriter<byte> output)
    {
        const ulong allOnes = 0x0101010101010101UL;
        var position = 0;
        var literalStart = -1;
        while (position < levels.Length)
        {
            // A run of 8 or more starts with 8 equal levels: one word compare rules most positions out.
            if (position + MinRleRun <= levels.Length && BinaryPrimitives.ReadUInt64LittleEndian(levels[position..]) is 0 or allOnes)
            {
                var run = RunLength(levels, position);
                if (literalStart >= 0)
                {
                    PackLevels(levels[literalStart..position], output);
                    literalStart = -1;
                }

                WriteRle(levels[position], run, 1, output);
                position += run;
                continue;
            }

            if (literalStart < 0)
            {
                literalStart = position;
            }

            position += Math.Min(8, levels.Length - position);
        }

        if (literalStart >= 0)
        {
            PackLevels(levels[literalStart..], output);
        }
    }

    /// <summary>Bit-packed groups of 0/1 levels: the multiply gathers the low bits of 8 bytes into one byte, first level lowest.</summary>
    private static void PackLevels(ReadOnlySpan<byte> levels, IBufferWriter<byte> output)
    {
        const ulong gather = 0x0102040810204080UL;
        var groups = (levels.Length + 7) / 8;
        Uleb128.Write(((uint)groups << 1) | 1, output);
        var span = output.GetSpan(groups);
        var whole = levels.Length / 8;
        for (var g = 0; g < whole; g++)
        {
            span[g] = (byte)((BinaryPrimitives.ReadUInt64LittleEndian(levels[(g * 8)..]) * gather) >> 56);
        }

        if (whole < groups)
        {
            Span<byte> last = stackalloc byte[8];
            last.Clear();
            levels[(whole * 8)..].CopyTo(last);
            span[whole] = (byte)((BinaryPrimitives.ReadUInt64LittleEndian(last) * gather) >> 56);
        }

        output.Advance(groups);
    }

    private static int RunLength<T>(ReadOnlySpan<T> values, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Definition levels of sparse columns are long runs: a vectorised scan finds their ends.
        var rest = values[start..];
        var end = rest.IndexOfAnyExcept(rest[0]);
        return end < 0 ? rest.Length : end;
    }

    private static void WriteRle(uint value, int count, int bitWidth, IBufferWriter<byte> output)
    {
        Uleb128.Write((uint)count << 1, output);
        var byteWidth = (bitWidth + 7) / 8;
        var span = output.GetSpan(byteWidth);
        for (var i = 0; i < byteWidth; i++)
        {
            span[i] = (byte)(value >> (8 * i));
        }

        output.Advance(byteWidth);
    }

    private static void WriteBitPacked<T>(ReadOnlySpan<T> values, int bitWidth, IBufferWriter<byte> output)
        where T : unmanaged, IBinaryInteger<T>
    {
        var groups = (values.Length + 7) / 8;
        Uleb128.Write(((uint)groups << 1) | 1, output);
        var byteCount = groups * bitWidth;
        var span = output.GetSpan(byteCount);
        // Whole 32-bit words go out at once (a width of at most 32 leaves at most 63 bits in the accumulator); a
        // group of 8 values is a whole number of bytes, so only bytes remain for the end.
        var written = 0;
        ulong accumulator = 0;
        var bits = 0;
        for (var i = 0; i < values.Length; i++)
        {
            accumulator |= ulong.CreateTruncating(values[i]) << bits;
            bits += bitWidth;
            if (bits >= 32)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[written..], (uint)accumulator);
                written += 4;
                accumulator >>= 32;
                bits -= 32;
            }
        }

        // The last group is padded with zero values: their bits are zeros.
        bits += ((groups * 8) - values.Length) * bitWidth;
        for (; bits > 0; bits -= 8)
        {
            span[written++] = (byte)accumulator;
            accumulator >>= 8;
        }

        output.Advance(written);
    }
}
