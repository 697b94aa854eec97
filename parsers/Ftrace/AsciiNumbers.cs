namespace BinderTrace.Parsers;

/// <summary>
/// Integer parsing on the ASCII bytes of a trace line. Trace numbers are printed by printk with
/// <c>%d</c>, <c>%zu</c>, <c>0x%x</c> or <c>%p</c>; none of them may ever go through <c>double</c>.
/// </summary>
internal static class AsciiNumbers
{
    /// <summary>Decimal with an optional '-', or hexadecimal with a "0x" prefix. Rejects overflow and trailing bytes.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        if (text[0] == (byte)'-')
        {
            if (!TryParseDecimal(text[1..], out var magnitude) || magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = (long)(0 - magnitude);
            return true;
        }

        if (!TryParseUInt64(text, out var unsigned) || unsigned > long.MaxValue)
        {
            return false;
        }

        value = (long)unsigned;
        return true;
    }

    /// <summary>Like <see cref="TryParseInt64"/> but also accepts the full unsigned 64-bit range (<c>%zu</c>, <c>%lx</c>).</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
    {
        if (text.Length > 2 && text[0] == (byte)'0' && (text[1] | 0x20) == (byte)'x')
        {
            return TryParseHex(text[2..], out value);
        }

        return TryParseDecimal(text, out value);
    }

    public static bool TryParseInt32(ReadOnlySpan<byte> text, out int value)
    {
        if (TryParseInt64(text, out var wide) && wide is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>A 32-bit value printed as <c>0x%x</c> (or decimal): the bit pattern is kept.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> text, out uint value)
    {
        if (TryParseUInt64(text, out var wide) && wide <= uint.MaxValue)
        {
            value = (uint)wide;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryParseDecimal(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        ulong result = 0;
        foreach (var b in text)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            var next = unchecked((result * 10) + digit);
            if (result > ulong.MaxValue / 10 || next < result * 10)
            {
                return false;
            }

            result = next;
        }

        value = result;
        return true;
    }

    /// <summary>Hex digits without a prefix (how <c>%p</c> prints a hashed pointer).</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 16)
        {
            return false;
        }

        ulong result = 0;
        foreach (var b in text)
        {
            uint digit;
            if ((uint)(b - '0') <= 9)
            {
                digit = (uint)(b - '0');
            }
            else if ((uint)((b | 0x20) - 'a') <= 5)
            {
                digit = (uint)((b | 0x20) - 'a' + 10);
            }
            else
            {
                return false;
            }

            result = (result << 4) | digit;
        }

        value = result;
        return true;
    }

    /// <summary>"true"/"false" as printed by the mmap_lock events, or "1"/"0" as printed by <c>%d</c> booleans.</summary>
    public static bool TryParseBoolean(ReadOnlySpan<byte> text, out bool value)
    {
        if (text.SequenceEqual("true"u8) || text.SequenceEqual("1"u8))
        {
            value = true;
            return true;
        }

        value = false;
        return text.SequenceEqual("false"u8) || text.SequenceEqual("0"u8);
    }
}
