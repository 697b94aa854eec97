using System.Globalization;

namespace BinderTrace.Comparison;

public enum ThresholdKind
{
    /// <summary>In the metric's own unit (nanoseconds, events).</summary>
    Absolute,

    /// <summary>A fraction of the baseline value.</summary>
    Relative,
}

/// <summary>
/// How large a change must be to matter in practice: <c>"10%"</c> (relative to the baseline) or <c>50</c>
/// (in the metric's unit). A change that is statistically real but smaller than this is reported as no change.
/// </summary>
public readonly record struct Threshold(ThresholdKind Kind, double Value)
{
    public static Threshold Relative(double fraction) => new(ThresholdKind.Relative, fraction);

    public static Threshold Absolute(double amount) => new(ThresholdKind.Absolute, amount);

    /// <summary>Parses <c>"10%"</c>, <c>"2.5 %"</c> (relative) or <c>"50"</c> (absolute); negative values are refused.</summary>
    public static bool TryParse(string? text, out Threshold threshold)
    {
        threshold = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var relative = trimmed.EndsWith('%');
        var number = relative ? trimmed[..^1].TrimEnd() : trimmed;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            return false;
        }

        threshold = relative ? Relative(value / 100) : Absolute(value);
        return true;
    }

    /// <summary>The threshold in the metric's unit for a given baseline value.</summary>
    public double InUnitsOf(double baseline) => Kind == ThresholdKind.Relative ? Value * Math.Abs(baseline) : Value;

    /// <summary>True when moving from <paramref name="baseline"/> by <paramref name="change"/> (either sign) goes past the threshold.</summary>
    public bool IsExceededBy(double baseline, double change) => Math.Abs(change) > InUnitsOf(baseline);

    public override string ToString() => Kind == ThresholdKind.Relative
        ? (Value * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %"
        : Value.ToString("0.##", CultureInfo.InvariantCulture);
}
