using System.Buffers;
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
        var written = 0;
        ulong accumulator = 0;
        var bits = 0;
        for (var i = 0; i < groups * 8; i++)
        {
            var value = i < values.Length ? ulong.CreateTruncating(values[i]) : 0UL;
            accumulator |= value << bits;
            bits += bitWidth;
            while (bits >= 8)
            {
                span[written++] = (byte)accumulator;
                accumulator >>= 8;
                bits -= 8;
            }
        }

        output.Advance(written);
    }
}
