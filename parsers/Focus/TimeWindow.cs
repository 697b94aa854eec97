using System.Globalization;

namespace BinderTrace.Focus;

/// <summary>
/// A stretch of a trace, <c>START..END</c>, in time since the trace's first event (ftrace timestamps are time
/// since boot, so an offset is what a person can type without reading the trace first). Either end may be
/// open (<c>300ms..</c>, <c>..2s</c>). Every bound needs a unit (<c>s</c>, <c>ms</c>, <c>us</c>, <c>ns</c>): a
/// bare number is refused rather than guessed.
/// </summary>
public sealed record TimeWindow(long? StartNs, long? EndNs)
{
    /// <summary>True when an event <paramref name="offsetNs"/> after the first event is inside: start inclusive, end exclusive.</summary>
    public bool Contains(long offsetNs) =>
        (StartNs is not { } start || offsetNs >= start) && (EndNs is not { } end || offsetNs < end);

    /// <summary>Parses <c>START..END</c>; throws <see cref="FormatException"/> with the fix in its message.</summary>
    public static TimeWindow Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var separator = text.IndexOf("..", StringComparison.Ordinal);
        if (separator < 0)
        {
            throw new FormatException($"window '{text}': expected START..END, e.g. 1.5s..2s, 300ms.. or ..2000000ns");
        }

        var start = ParseBound(text, text[..separator]);
        var end = ParseBound(text, text[(separator + 2)..]);
        if (start is null && end is null)
        {
            throw new FormatException($"window '{text}': give at least one end, e.g. 1.5s..2s or 300ms..");
        }

        if (start is { } s && end is { } e && e <= s)
        {
            throw new FormatException($"window '{text}': the end must come after the start");
        }

        return new TimeWindow(start, end);
    }

    /// <summary>The window in the largest exact unit of each bound (<c>1500ms..2s</c>), which parses back to the same window.</summary>
    public override string ToString() => $"{Format(StartNs)}..{Format(EndNs)}";

    private static string Format(long? ns) => ns switch
    {
        null => "",
        { } v when v % 1_000_000_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{v / 1_000_000_000}s"),
        { } v when v % 1_000_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{v / 1_000_000}ms"),
        { } v when v % 1_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{v / 1_000}us"),
        { } v => string.Create(CultureInfo.InvariantCulture, $"{v}ns"),
    };

    /// <summary>Parses a duration with a unit (<c>5s</c>, <c>1.5s</c>, <c>300ms</c>, <c>20us</c>, <c>7ns</c>) into nanoseconds, without floating point.</summary>
    public static long ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var (digits, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ns", StringComparison.Ordinal) => (trimmed[..^2], 0),
            _ when trimmed.EndsWith("us", StringComparison.Ordinal) => (trimmed[..^2], 3),
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 6),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 9),
            _ => (null, 0),
        };
        if (digits is null)
        {
            throw new FormatException($"'{text}' has no unit: write it as {text.Trim()}s (or ms, us, ns)");
        }

        var point = digits.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? digits : digits[..point];
        var fraction = point < 0 ? "" : digits[(point + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || fraction.Length > scale
            || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            throw new FormatException($"'{text}': expected a non-negative number with a unit, e.g. 1.5s, 300ms, 20us, 7ns (at most nanosecond precision)");
        }

        try
        {
            var ns = checked(long.Parse(whole.Length == 0 ? "0" : whole, CultureInfo.InvariantCulture) * Pow10(scale));
            return fraction.Length == 0
                ? ns
                : checked(ns + long.Parse(fraction, CultureInfo.InvariantCulture) * Pow10(scale - fraction.Length));
        }
        catch (OverflowException)
        {
            throw new FormatException($"'{text}': too large");
        }
    }

    private static long? ParseBound(string window, string bound) =>
        bound.Length == 0 ? null : ParseDurationIn(window, bound);

    private static long ParseDurationIn(string window, string bound)
    {
        try
        {
            return ParseDuration(bound);
        }
        catch (FormatException e)
        {
            throw new FormatException($"window '{window}': {e.Message}", e);
        }
    }

    private static long Pow10(int exponent)
    {
        var value = 1L;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}
