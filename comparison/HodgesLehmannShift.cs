using Perfolizer.Mathematics.Distributions.ContinuousDistributions;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;

namespace BinderTrace.Comparison;

/// <summary>
/// The Hodges–Lehmann shift estimate (J. L. Hodges and E. L. Lehmann, "Estimates of location based on rank
/// tests", Ann. Math. Statist. 34(2), 1963): the median of all pairwise differences candidate − baseline,
/// with the distribution-free confidence interval of L. E. Moses (in Walker &amp; Lev, "Statistical
/// Inference", 1953; Hollander &amp; Wolfe, "Nonparametric Statistical Methods", §4.3): the k-th smallest and
/// k-th largest pairwise differences, k taken from the Mann–Whitney null distribution.
/// </summary>
internal static class HodgesLehmannShift
{
    /// <summary>
    /// For quantities that cannot go negative (durations, counts; every run &gt; 0): the same estimator on the
    /// logarithms, so the change is a ratio — the median of all pairwise ratios candidate / baseline — with
    /// Moses' interval of those ratios. Neither end can fall below a ratio of 0 (−100 %).
    /// </summary>
    public static (double Ratio, ConfidenceInterval Interval) RatioEstimate(
        IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, double level)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        if (baseline.Any(v => !(v > 0)) || candidate.Any(v => !(v > 0)))
        {
            throw new ArgumentException("a ratio needs positive values on both sides");
        }

        var logBaseline = baseline.Select(v => Math.Log(v)).ToList();
        var logCandidate = candidate.Select(v => Math.Log(v)).ToList();
        var interval = Interval(logBaseline, logCandidate, level);
        return (Math.Exp(Estimate(logBaseline, logCandidate)), new ConfidenceInterval(Math.Exp(interval.Lower), Math.Exp(interval.Upper), interval.Level));
    }

    /// <summary>Up to this many runs in total the exact Mann–Whitney distribution gives k; above it the normal approximation.</summary>
    private const int ExactLimit = 40;

    public static double Estimate(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate) =>
        Median(PairwiseDifferences(baseline, candidate));

    /// <summary>
    /// The interval at the highest achievable level not above <paramref name="level"/>. With very few runs even
    /// the widest interval (smallest to largest difference) has a lower level; that level is then reported.
    /// </summary>
    public static ConfidenceInterval Interval(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, double level)
    {
        int n = baseline.Count, m = candidate.Count;
        if (n == 0 || m == 0)
        {
            return ConfidenceInterval.None;
        }

        var differences = PairwiseDifferences(baseline, candidate);
        var k = CriticalRank(n, m, (1 - level) / 2, out var achievedLevel);
        return new ConfidenceInterval(differences[k - 1], differences[^k], achievedLevel);
    }

    /// <summary>The largest k ≥ 1 with P(U &lt; k) ≤ <paramref name="tail"/>, and the two-sided level it achieves.</summary>
    private static int CriticalRank(int n, int m, double tail, out double achievedLevel)
    {
        var half = n * m / 2;
        var k = 1;
        if (n + m <= ExactLimit)
        {
            while (k < half && MannWhitneyClassicExactCdf.Instance.Cdf(n, m, k + 1) <= tail)
            {
                k++;
            }

            achievedLevel = 1 - 2 * MannWhitneyClassicExactCdf.Instance.Cdf(n, m, k);
            return k;
        }

        var sd = Math.Sqrt(n * m * (n + m + 1) / 12.0);
        var z = NormalDistribution.Standard.Quantile(1 - tail);
        k = Math.Clamp((int)Math.Floor(n * m / 2.0 - z * sd), 1, Math.Max(1, half));
        achievedLevel = 1 - 2 * NormalDistribution.Standard.Cdf((k - 0.5 - n * m / 2.0) / sd);
        return k;
    }

    private static double[] PairwiseDifferences(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate)
    {
        var differences = new double[baseline.Count * candidate.Count];
        var i = 0;
        foreach (var y in candidate)
        {
            foreach (var x in baseline)
            {
                differences[i++] = y - x;
            }
        }

        Array.Sort(differences);
        return differences;
    }

    private static double Median(double[] sorted)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
