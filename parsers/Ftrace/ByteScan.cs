using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BinderTrace.Parsers;

/// <summary>
/// Searches over the short distances inside one trace line (comm padding, the comm itself, the event name):
/// 16 bytes per step with <see cref="Vector128"/>, then a scalar tail. The BCL's <c>IndexOf</c> costs more in
/// call overhead than it saves on runs this short. Both paths are exercised by the line tests (short lines end
/// in the scalar tail).
/// </summary>
internal static class ByteScan
{
    /// <summary>Index of the first byte at or after <paramref name="from"/> that is not a space, or the line length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SkipSpaces(ReadOnlySpan<byte> line, int from)
    {
        var p = from;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(line);
            var spaces = Vector128.Create((byte)' ');
            while (p + Vector128<byte>.Count <= line.Length)
            {
                var mask = (~Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)p), spaces)).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return p + BitOperations.TrailingZeroCount(mask);
                }

                p += Vector128<byte>.Count;
            }
        }

        while (p < line.Length && line[p] == (byte)' ')
        {
            p++;
        }

        return p;
    }

    /// <summary>Index of the first <paramref name="value"/> at or after <paramref name="from"/>, or the line length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Find(ReadOnlySpan<byte> line, int from, byte value)
    {
        var p = from;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(line);
            var target = Vector128.Create(value);
            while (p + Vector128<byte>.Count <= line.Length)
            {
                var mask = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)p), target).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return p + BitOperations.TrailingZeroCount(mask);
                }

                p += Vector128<byte>.Count;
            }
        }

        while (p < line.Length && line[p] != value)
        {
            p++;
        }

        return p;
    }

    /// <summary>Index of the first ':' or space at or after <paramref name="from"/>, or the line length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FindColonOrSpace(ReadOnlySpan<byte> line, int from)
    {
        var p = from;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(line);
            var colons = Vector128.Create((byte)':');
            var spaces = Vector128.Create((byte)' ');
            while (p + Vector128<byte>.Count <= line.Length)
            {
                var block = Vector128.LoadUnsafe(ref start, (nuint)p);
                var mask = (Vector128.Equals(block, colons) | Vector128.Equals(block, spaces)).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return p + BitOperations.TrailingZeroCount(mask);
                }

                p += Vector128<byte>.Count;
            }
        }

        while (p < line.Length && line[p] != (byte)':' && line[p] != (byte)' ')
        {
            p++;
        }

        return p;
    }
}
