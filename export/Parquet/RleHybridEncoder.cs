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
    /// The values of an RLE_DICTIONARY data page: the bit width of the indices into a dictionary of
    /// <paramref name="entryCount"/> entries, in one byte, then the indices as hybrid runs.
    /// </summary>
    public static void EncodeDictionaryIndices(ReadOnlySpan<int> indices, int entryCount, IBufferWriter<byte> output)
    {
        var bitWidth = BitWidthFor(Math.Max(0, entryCount - 1));
        output.GetSpan(1)[0] = (byte)bitWidth;
        output.Advance(1);
        Encode(indices, bitWidth, output);
    }

    /// <summary>
    /// Definition levels of a flat optional column at bit width 1, given as a bitmap (bit i of word i / 64 is row i's
    /// level; bits past <paramref name="count"/> are zero): the same runs and groups as <see cref="Encode{T}"/> gives for
    /// the levels as values, found 64 rows at a time. A bit-packed group of 8 levels is the bitmap's 8 bits as they are.
    /// Every optional column of every page goes through here (the events table: 40 of its 47 columns, every row).
    /// </summary>
    public static void EncodeLevels(ReadOnlySpan<ulong> bits, int count, IBufferWriter<byte> output)
    {
        var position = 0;
        var literalStart = -1;
        while (position < count)
        {
            // The next (up to) 8 whole groups of 8 levels: a group of equal levels (a byte 0x00 or 0xFF) starts a run.
            var word = BitsAt(bits, position);
            var whole = Math.Min(8, (count - position) >> 3);
            var runStarts = ZeroOrFullBytes(word) & (whole == 8 ? ~0UL : (1UL << (8 * whole)) - 1);
            if ((runStarts & 0x80) != 0)
            {
                var run = LevelRunLength(bits, position, count, (word & 1) == 0 ? 0 : ~0UL);
                if (literalStart >= 0)
                {
                    PackLevels(bits, literalStart, position, output);
                    literalStart = -1;
                }

                WriteRle((uint)word & 1, run, 1, output);
                position += run;
                continue;
            }

            if (literalStart < 0)
            {
                literalStart = position;
            }

            // Mixed groups up to the next that could start a run; fewer than 8 levels left are the last group.
            var mixed = runStarts == 0 ? whole : BitOperations.TrailingZeroCount(runStarts) >> 3;
            position = mixed == 0 ? count : position + (8 * mixed);
        }

        if (literalStart >= 0)
        {
            PackLevels(bits, literalStart, count, output);
        }
    }

    /// <summary>0x80 in each byte of <paramref name="word"/> that is 0x00 or 0xFF, 0 in the others (exact, no carries between bytes).</summary>
    private static ulong ZeroOrFullBytes(ulong word)
    {
        const ulong low7 = 0x7F7F7F7F7F7F7F7FUL;
        static ulong ZeroBytes(ulong v) => ~(((v & low7) + low7) | v | low7);
        return ZeroBytes(word) | ZeroBytes(~word);
    }

    /// <summary>The 64 levels from <paramref name="position"/> on, first lowest (zeros past the bitmap's end).</summary>
    private static ulong BitsAt(ReadOnlySpan<ulong> bits, int position)
    {
        var word = position >> 6;
        var shift = position & 63;
        var value = bits[word] >> shift;
        if (shift != 0 && word + 1 < bits.Length)
        {
            value |= bits[word + 1] << (64 - shift);
        }

        return value;
    }

    /// <summary>How many levels from <paramref name="position"/> equal <paramref name="pattern"/>'s (all zeros or all ones), up to <paramref name="count"/>.</summary>
    private static int LevelRunLength(ReadOnlySpan<ulong> bits, int position, int count, ulong pattern)
    {
        var start = position;
        while (position < count)
        {
            var differs = BitsAt(bits, position) ^ pattern;
            var available = Math.Min(64, count - position);
            if (differs != 0)
            {
                var same = BitOperations.TrailingZeroCount(differs);
                if (same < available)
                {
                    return position + same - start;
                }
            }

            position += available;
        }

        return count - start;
    }

    /// <summary>Bit-packed groups of the levels [<paramref name="from"/>, <paramref name="to"/>): the bitmap's bits as they are, 64 at a time.</summary>
    private static void PackLevels(ReadOnlySpan<ulong> bits, int from, int to, IBufferWriter<byte> output)
    {
        var groups = (to - from + 7) / 8;
        Uleb128.Write(((uint)groups << 1) | 1, output);
        var span = output.GetSpan(groups)[..groups];
        var g = 0;
        for (; g + 8 <= groups; g += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[g..], BitsAt(bits, from + (g * 8)));
        }

        if (g < groups)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, BitsAt(bits, from + (g * 8)));
            last[..(groups - g)].CopyTo(span[g..]);
        }

        // The last group of the page is padded with zero levels (readers stop at num_values).
        var partial = (to - from) & 7;
        if (partial != 0)
        {
            span[^1] &= (byte)((1 << partial) - 1);
        }

        output.Advance(groups);
    }

    private static int RunLength<T>(ReadOnlySpan<T> values, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Dictionary indices mostly change from one value to the next: a short scalar check settles those; a run of
        // 8 or more (a long one, typically) is measured with a vectorised scan.
        var first = values[start];
        var limit = Math.Min(values.Length, start + MinRleRun);
        for (var i = start + 1; i < limit; i++)
        {
            if (values[i] != first)
            {
                return i - start;
            }
        }

        var rest = values[limit..];
        var end = rest.IndexOfAnyExcept(first);
        return limit - start + (end < 0 ? rest.Length : end);
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
