using System.Globalization;

namespace BinderTrace.Comparison;

/// <summary>
/// A change expressed as a fraction of the baseline: 0.10 is +10 %. A change from zero to something is
/// <see cref="double.PositiveInfinity"/> (or negative infinity), from zero to zero is 0.
/// </summary>
public readonly record struct RelativeChange(double Fraction)
{
    public static RelativeChange Between(double baseline, double candidate)
    {
        if (baseline == 0)
        {
            return new RelativeChange(candidate == 0 ? 0 : candidate > 0 ? double.PositiveInfinity : double.NegativeInfinity);
        }

        return new RelativeChange((candidate - baseline) / Math.Abs(baseline));
    }

    public override string ToString() => Fraction switch
    {
        double.PositiveInfinity => "new",
        double.NegativeInfinity => "gone",
        double.NaN => "n/a",
        _ => (Fraction * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %",
    };
}
