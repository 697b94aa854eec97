using System.Globalization;

namespace BinderTrace.Comparison;

/// <summary>
/// An interval for a change together with the confidence level it was actually achieved at (a rank-based
/// interval from few runs cannot reach every level, so the level is a result, not a request).
/// </summary>
public readonly record struct ConfidenceInterval(double Lower, double Upper, double Level)
{
    public static readonly ConfidenceInterval None = new(double.NaN, double.NaN, double.NaN);

    public bool IsDefined => !double.IsNaN(Lower) && !double.IsNaN(Upper);

    public bool Contains(double value) => IsDefined && Lower <= value && value <= Upper;

    public ConfidenceInterval Scale(double factor) => factor >= 0
        ? new ConfidenceInterval(Lower * factor, Upper * factor, Level)
        : new ConfidenceInterval(Upper * factor, Lower * factor, Level);

    public override string ToString() => IsDefined
        ? string.Create(CultureInfo.InvariantCulture, $"[{Lower:0.###}, {Upper:0.###}] @{Level * 100:0.#} %")
        : "n/a";
}
