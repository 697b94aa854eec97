namespace BinderTrace.Comparison;

/// <summary>Which way a metric should move. Informational metrics describe the workload and get no verdict.</summary>
public enum MetricDirection
{
    LowerIsBetter,
    HigherIsBetter,
    Informational,
}

public enum MetricKind
{
    /// <summary>A number of events (installs, holds, reinstalls).</summary>
    Count,

    /// <summary>A central or tail statistic or a total of durations (p50, p90, p99, mean, total).</summary>
    Duration,

    /// <summary>Min or max of durations: one event decides them, so no within-trace interval exists.</summary>
    DurationExtreme,

    /// <summary>A text value such as <c>fingerprint.design</c>.</summary>
    Label,
}

/// <summary>
/// What the comparison knows about one report path: its kind, its good direction, the sample family and
/// statistic a single-run bootstrap uses for it, and the path of the event count that backs a structural change.
/// </summary>
internal sealed record MetricTraits(
    string Path, MetricKind Kind, MetricDirection Direction, string? SampleFamily, SampleStatistic? Statistic, string? CountPath);

/// <summary>
/// Classifies report paths (issue 4's <c>report --json</c> contract). Durations (<c>*_ns</c> distributions)
/// are better lower, except min and max: one event decides them, so they are shown but only judged when a gate
/// asks for them; lock-event counts are better lower (each hold is a stall of the mm's other users);
/// <c>pages.reinstalls_after_reclaim</c> (thrash) is better lower; other counts (installs, transactions)
/// measure how much work the workload did and are informational.
/// </summary>
internal static class MetricCatalog
{
    private static readonly HashSet<string> LowerIsBetterCounts = new(StringComparer.Ordinal)
    {
        "pages.reinstalls_after_reclaim",
    };

    public static MetricTraits Describe(string path, bool isText = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (isText)
        {
            return new MetricTraits(path, MetricKind.Label, MetricDirection.Informational, null, null, null);
        }

        var dot = path.LastIndexOf('.');
        var parent = dot < 0 ? "" : path[..dot];
        var field = dot < 0 ? path : path[(dot + 1)..];
        if (IsDistributionPath(parent) && ReportDocument.DistributionFields.Contains(field) || field == "mean" && IsDistributionPath(parent))
        {
            var countPath = parent + ".count";
            if (field == "count")
            {
                var direction = parent.StartsWith("mmap_lock.", StringComparison.Ordinal)
                    ? MetricDirection.LowerIsBetter
                    : MetricDirection.Informational;
                return new MetricTraits(path, MetricKind.Count, direction, parent, null, countPath);
            }

            if (field is "min" or "max")
            {
                return new MetricTraits(path, MetricKind.DurationExtreme, MetricDirection.Informational, parent, null, countPath);
            }

            SampleStatisticEvaluator.TryFromReportField(field, out var statistic);
            return new MetricTraits(path, MetricKind.Duration, MetricDirection.LowerIsBetter, parent, statistic, countPath);
        }

        if (path.EndsWith("_ns", StringComparison.Ordinal))
        {
            return new MetricTraits(path, MetricKind.Duration, MetricDirection.LowerIsBetter, null, null, null);
        }

        var countDirection = LowerIsBetterCounts.Contains(path) ? MetricDirection.LowerIsBetter : MetricDirection.Informational;
        return new MetricTraits(path, MetricKind.Count, countDirection, null, null, path);
    }

    /// <summary>True for a distribution object's path: its last segment ends in <c>_ns</c> or follows a <c>*_ns</c> segment (<c>hold_ns.write</c>).</summary>
    private static bool IsDistributionPath(string parent)
    {
        if (parent.Length == 0)
        {
            return false;
        }

        var segments = parent.Split('.');
        return segments[^1].EndsWith("_ns", StringComparison.Ordinal)
            || segments.Length >= 2 && segments[^2].EndsWith("_ns", StringComparison.Ordinal);
    }
}
