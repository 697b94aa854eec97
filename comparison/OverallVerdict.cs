namespace BinderTrace.Comparison;

/// <summary>
/// The one overall verdict of a comparison, the same rule in <c>compare</c>, <c>gate</c> and <c>demo</c>.
/// The deciding metrics are the headline metrics (<see cref="Headline"/>) that the comparison judges, or every
/// metric chosen with <c>--metrics</c>, or for a gate the gate file's metrics; every other decided change is
/// listed but does not set the verdict. Over the deciding metrics, in order:
/// <list type="number">
/// <item>any regressed: regressed;</item>
/// <item>any inconclusive that moved the bad way (or is missing on a side): inconclusive, collect more runs —
/// an undecided change the good way cannot be the regression a reader fears, so it does not block;</item>
/// <item>any improved: improved;</item>
/// <item>otherwise no change.</item>
/// </list>
/// Each headline metric is thus treated like a gate with the practical threshold as its limit.
/// </summary>
public static class OverallVerdict
{
    /// <summary>Metrics a kernel engineer looks at first when the allocator changes, in reading order.</summary>
    public static IReadOnlyList<string> Headline { get; } =
    [
        "fingerprint.design",
        "mmap_lock.binder.hold_ns.write.count",
        "mmap_lock.binder.hold_ns.write.p99",
        "mmap_lock.binder.hold_ns.read.count",
        "mmap_lock.wait_ns.read.p99",
        "mmap_lock.wait_ns.write.p99",
        "pages.install_ns.p50",
        "pages.install_ns.p99",
        "pages.reclaims",
        "transactions.count",
    ];

    public static Verdict Of(IEnumerable<MetricComparison> deciding)
    {
        ArgumentNullException.ThrowIfNull(deciding);
        var judged = deciding.Where(m => m.Verdict != Verdict.NotJudged).ToList();
        return judged.Any(m => m.Verdict == Verdict.Regressed) ? Verdict.Regressed
            : judged.Any(m => m.Verdict == Verdict.Inconclusive && !MovedTheGoodWay(m)) ? Verdict.Inconclusive
            : judged.Any(m => m.Verdict == Verdict.Improved) ? Verdict.Improved
            : Verdict.NoChange;
    }

    /// <summary>
    /// The metrics that decide <paramref name="report"/>: all of them when they were chosen with
    /// <see cref="ComparisonOptions.MetricPatterns"/>, else the judged headline metrics, else (a comparison
    /// without any headline metric) all of them.
    /// </summary>
    public static IReadOnlyList<MetricComparison> DecidingMetrics(ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Options.MetricPatterns is not null)
        {
            return report.Metrics;
        }

        var headline = report.Metrics.Where(m => IsHeadline(m.Metric) && m.Direction != MetricDirection.Informational).ToList();
        return headline.Count > 0 ? headline : report.Metrics;
    }

    public static bool IsHeadline(string metric) => Headline.Contains(metric, StringComparer.Ordinal);

    /// <summary>True when the change went the metric's good way (or not at all); a metric missing on a side never did.</summary>
    public static bool MovedTheGoodWay(MetricComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return comparison.Method != ComparisonMethod.Missing && comparison.Direction switch
        {
            MetricDirection.LowerIsBetter => comparison.AbsoluteChange <= 0,
            MetricDirection.HigherIsBetter => comparison.AbsoluteChange >= 0,
            _ => false,
        };
    }
}
