using Perfolizer;
using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using PerfolizerThreshold = Perfolizer.Metrology.Threshold;

namespace BinderTrace.Comparison;

/// <summary>
/// The Mann–Whitney U test (H. B. Mann and D. R. Whitney, "On a test of whether one of two random variables is
/// stochastically larger than the other", Ann. Math. Statist. 18(1), 1947) on per-run summaries.
/// Computed by Perfolizer's <see cref="MannWhitneyTest"/>: the exact null distribution for small samples,
/// an Edgeworth approximation for large ones. Ties are ranked by their midrank and the exact p-value of the
/// floor of U is used, which is conservative.
/// </summary>
internal static class MannWhitneyUTest
{
    /// <summary>P-value of "candidate values tend to be larger than baseline values".</summary>
    public static double PValueCandidateGreater(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate) =>
        Perform(candidate, baseline);

    /// <summary>P-value of "candidate values tend to be smaller than baseline values".</summary>
    public static double PValueCandidateLess(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate) =>
        Perform(baseline, candidate);

    /// <summary>Two-sided p-value: twice the smaller one-sided p-value, at most 1.</summary>
    public static double PValueTwoSided(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate) =>
        Math.Min(1, 2 * Math.Min(PValueCandidateGreater(baseline, candidate), PValueCandidateLess(baseline, candidate)));

    /// <summary>
    /// The fewest runs per side with which complete separation reaches <paramref name="alpha"/> two-sided after a
    /// correction for <paramref name="tests"/> metrics tested together: the smallest n with
    /// 2 / C(2n, n) ≤ alpha / tests. With fewer runs no outcome can be significant.
    /// </summary>
    public static int MinimumRunsPerSide(double alpha, int tests = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        var level = alpha / Math.Max(1, tests);
        var arrangements = 2.0;
        for (var n = 1; ; n++)
        {
            if (2 / arrangements <= level)
            {
                return n;
            }

            arrangements = arrangements * (2 * n + 1) * (2 * n + 2) / ((n + 1) * (double)(n + 1));
        }
    }

    private static double Perform(IReadOnlyList<double> larger, IReadOnlyList<double> smaller)
    {
        if (larger.Count == 0 || smaller.Count == 0)
        {
            return 1;
        }

        var result = MannWhitneyTest.Instance.Perform(
            new Sample(larger.ToArray()), new Sample(smaller.ToArray()), AlternativeHypothesis.Greater, PerfolizerThreshold.Zero);
        return result.PValue;
    }
}
