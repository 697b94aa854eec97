namespace BinderTrace.Comparison;

/// <summary>
/// What is known about one metric on both sides: its value per run, the event count backing it per run
/// (null where the metric has none), and — for single runs — the within-trace bootstrap of its change.
/// </summary>
internal sealed record MetricEvidence(
    MetricTraits Traits,
    IReadOnlyList<double> Baseline,
    IReadOnlyList<double> Candidate,
    IReadOnlyList<long>? BaselineCounts,
    IReadOnlyList<long>? CandidateCounts,
    BootstrapChange? Bootstrap)
{
    public bool IsSingleRun => Baseline.Count < 2 || Candidate.Count < 2;

    /// <summary>
    /// The Mann–Whitney p-value after Holm's correction over every metric tested in the same comparison
    /// (<see cref="HolmBonferroni"/>); NaN when no correction was applied (the raw two-sided p-value is used).
    /// </summary>
    public double FamilyAdjustedP { get; init; } = double.NaN;

    /// <summary>How many metrics were rank-tested together (the Holm family).</summary>
    public int FamilySize { get; init; } = 1;

    public double BaselineMedian => Median(Baseline);

    public double CandidateMedian => Median(Candidate);

    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
