using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace BinderTrace.Parsers;

/// <summary>
/// The context prefix of one event line, as byte positions into the line, so nothing is allocated until a
/// field is actually needed.
/// </summary>
internal struct EventLine
{
    public int CommStart;
    public int CommLength;
    public int Pid;
    public int Tgid;
    public int Cpu;
    public long Timestamp;

    /// <summary>True when the timestamp was printed as a raw integer (counter-type clock), not <c>sec.usec</c>.</summary>
    public bool RawTimestamp;

    public int NameStart;
    public int NameLength;

    /// <summary>Index of the first payload byte (after the one space the kernel prints after "name:").</summary>
    public int PayloadStart;
}

/// <summary>
/// Splits the kernel's event line prefix (K-out <c>trace_print_context</c>, FORMATS.md §1.2) on bytes:
/// <c>comm-pid [(tgid)] [cpu] [flags] timestamp: name: payload</c>. It has the semantics of the tolerant
/// regex in FORMATS.md §1.2 (the comm is the shortest prefix after which the rest of the line matches),
/// found by trying each '-' from the left, which is what lets comms hold spaces and dashes
/// (<c>Jit thread pool-4321</c>, <c>irq/29-iwlwifi-559</c>) and pads by bytes, not chars.
/// </summary>
internal static class EventLineTokenizer
{
    private const int MaxFlagsLength = 10;

    // "%16s": the comm column's width in bytes.
    private const int FixedCommWidth = 16;

    // Largest whole-second part whose nanosecond value still fits a long.
    private const ulong MaxSeconds = (long.MaxValue / 1_000_000_000L) - 1;

    // Nanoseconds per unit of an n-digit fraction ("sec.usec" has 6 digits, trace-cmd -t prints 9).
    private static readonly ulong[] FractionScale = [0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    public static bool TryParse(ReadOnlySpan<byte> line, out EventLine parsed)
    {
        parsed = default;

        // The kernel and trace-cmd print "%16s-" and a comm is at most 15 bytes, so their separator dash is
        // always byte 16: trying it first skips the search.
        if (line.Length > FixedCommWidth + 1 && line[FixedCommWidth] == (byte)'-' && TryParseAfterComm(line, FixedCommWidth, ref parsed))
        {
            parsed.CommStart = SkipBlanks(line[..FixedCommWidth], 0);
            parsed.CommLength = FixedCommWidth - parsed.CommStart;
            return true;
        }

        var start = SkipBlanks(line, 0);
        var from = start;
        while (from < line.Length)
        {
            var dash = ByteScan.Find(line, from, (byte)'-');
            if (dash == line.Length)
            {
                return false;
            }

            if (TryParseAfterComm(line, dash, ref parsed))
            {
                parsed.CommStart = start;
                parsed.CommLength = dash - start;
                return true;
            }

            from = dash + 1;
        }

        return false;
    }

    // Positions are passed and returned by value (-1: no match), never by reference: a position whose address is
    // taken lives in memory, and every byte test then reloads it.
    private static bool TryParseAfterComm(ReadOnlySpan<byte> line, int dash, ref EventLine parsed)
    {
        var p = ReadDigits(line, dash + 1, out var pid);
        if (p < 0 || (p = SkipRequiredBlanks(line, p)) < 0)
        {
            return false;
        }

        var tgid = -1L;
        if (p < line.Length && line[p] == (byte)'(')
        {
            p = SkipBlanks(line, p + 1);
            if (p < line.Length && line[p] == (byte)'-')
            {
                while (p < line.Length && line[p] == (byte)'-')
                {
                    p++;
                }
            }
            else if ((p = ReadDigits(line, p, out tgid)) < 0)
            {
                return false;
            }

            p = SkipBlanks(line, p);
            if (p >= line.Length || line[p] != (byte)')')
            {
                return false;
            }

            if ((p = SkipRequiredBlanks(line, p + 1)) < 0)
            {
                return false;
            }
        }

        if (p >= line.Length || line[p] != (byte)'[')
        {
            return false;
        }

        p = ReadDigits(line, p + 1, out var cpu);
        if (p < 0 || p >= line.Length || line[p] != (byte)']')
        {
            return false;
        }

        if ((p = SkipRequiredBlanks(line, p + 1)) < 0 || (p = ReadTimestamp(line, p, ref parsed)) < 0
            || (p = SkipRequiredBlanks(line, p)) < 0)
        {
            return false;
        }

        var nameStart = p;
        p = ByteScan.FindColonOrSpace(line, p);
        if (p == nameStart || p >= line.Length || line[p] != (byte)':')
        {
            return false;
        }

        if (pid > int.MaxValue || tgid > int.MaxValue || cpu > int.MaxValue)
        {
            return false;
        }

        parsed.Pid = (int)pid;
        parsed.Tgid = (int)tgid;
        parsed.Cpu = (int)cpu;
        parsed.NameStart = nameStart;
        parsed.NameLength = p - nameStart;
        p++;
        parsed.PayloadStart = p < line.Length && line[p] == (byte)' ' ? p + 1 : p;
        return true;
    }

    /// <summary>
    /// Reads the optional irq-info flags token, then <c>sec.usec:</c> or a raw integer followed by ':', in one
    /// pass, from <paramref name="p"/> (a non-blank byte); returns the position after the ':', or -1.
    /// Flags never start with a digit (their first column is d/D/b/X/.), a timestamp always does.
    /// </summary>
    private static int ReadTimestamp(ReadOnlySpan<byte> line, int p, ref EventLine parsed)
    {
        if ((uint)(line[p] - '0') > 9)
        {
            var flagsEnd = TokenEnd(line, p);
            if (!IsFlags(line[p..flagsEnd]) || (p = SkipRequiredBlanks(line, flagsEnd)) < 0)
            {
                return -1;
            }
        }

        var start = p;
        ulong seconds = 0;
        while (p < line.Length && (uint)(line[p] - '0') <= 9)
        {
            seconds = (seconds * 10) + (uint)(line[p] - '0');
            p++;
        }

        if (p == start || p - start > 18 || p >= line.Length)
        {
            return -1;
        }

        if (line[p] == (byte)':')
        {
            parsed.RawTimestamp = true;
            parsed.Timestamp = (long)seconds;
            return p + 1;
        }

        if (line[p] != (byte)'.' || seconds > MaxSeconds)
        {
            return -1;
        }

        p++;
        if (TrySixDigitFraction(line, p, out var micros))
        {
            parsed.RawTimestamp = false;
            parsed.Timestamp = (long)((seconds * 1_000_000_000UL) + (micros * 1_000UL));
            return p + 7;
        }

        var fractionStart = p;
        ulong fraction = 0;
        while (p < line.Length && (uint)(line[p] - '0') <= 9)
        {
            fraction = (fraction * 10) + (uint)(line[p] - '0');
            p++;
        }

        var digits = p - fractionStart;
        if (digits is 0 or > 9 || p >= line.Length || line[p] != (byte)':')
        {
            return -1;
        }

        parsed.RawTimestamp = false;
        parsed.Timestamp = (long)((seconds * 1_000_000_000UL) + (fraction * FractionScale[digits]));
        return p + 1;
    }

    /// <summary>
    /// The kernel's <c>%06lu</c> microseconds followed by ':' (the usual case), read as one 8-byte word: the six digits
    /// are shifted up behind two '0's and checked and combined in parallel (pairs, then quads, then all eight).
    /// False for anything else (other widths, no ':' or fewer than 8 bytes left), which the byte loop then reads.
    /// </summary>
    private static bool TrySixDigitFraction(ReadOnlySpan<byte> line, int p, out ulong micros)
    {
        micros = 0;
        if (p + sizeof(ulong) > line.Length)
        {
            return false;
        }

        var word = BinaryPrimitives.ReadUInt64LittleEndian(line[p..]);
        if ((byte)(word >> 48) != (byte)':')
        {
            return false;
        }

        var digits = (word << 16) | 0x3030UL;
        const ulong highNibbles = 0xF0F0F0F0F0F0F0F0UL, zeros = 0x3030303030303030UL;
        if ((digits & highNibbles) != zeros || ((digits + 0x0606060606060606UL) & highNibbles) != zeros)
        {
            return false;
        }

        digits = ((digits & 0x0F0F0F0F0F0F0F0FUL) * 2561) >> 8;
        digits = ((digits & 0x00FF00FF00FF00FFUL) * 6553601) >> 16;
        micros = ((digits & 0x0000FFFF0000FFFFUL) * 42949672960001UL) >> 32;
        return true;
    }

    // Lat-flags (K-out trace_print_lat_fmt): irqs-off, need-resched, context, preempt depth, migrate-disable,
    // plus lazy-preempt columns on some trees: letters, digits and dots only.
    private static bool IsFlags(ReadOnlySpan<byte> token)
    {
        if (token.Length is < 2 or > MaxFlagsLength)
        {
            return false;
        }

        foreach (var b in token)
        {
            if (!(b == (byte)'.' || (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 25))
            {
                return false;
            }
        }

        return true;
    }

    // Scalar: the flags token is a few bytes long, too short for a vectorized search to pay off.
    private static int TokenEnd(ReadOnlySpan<byte> line, int p)
    {
        while (p < line.Length && line[p] != (byte)' ')
        {
            p++;
        }

        return p;
    }

    /// <summary>Up to 12 decimal digits from <paramref name="p"/>, not followed by another digit; returns the position after them, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadDigits(ReadOnlySpan<byte> line, int p, out long value)
    {
        value = 0;
        var start = p;
        while (p < line.Length && (uint)(line[p] - '0') <= 9 && p - start < 12)
        {
            value = (value * 10) + (line[p] - '0');
            p++;
        }

        return p > start && (p >= line.Length || (uint)(line[p] - '0') > 9) ? p : -1;
    }

    /// <summary>One or more blanks at <paramref name="p"/>, then something else; returns the position of that, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipRequiredBlanks(ReadOnlySpan<byte> line, int p)
    {
        if (p >= line.Length || line[p] != (byte)' ')
        {
            return -1;
        }

        p = SkipBlanks(line, p);
        return p < line.Length ? p : -1;
    }

    private static int SkipBlanks(ReadOnlySpan<byte> line, int p) => ByteScan.SkipSpaces(line, p);
}
