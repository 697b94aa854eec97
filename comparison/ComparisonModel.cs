namespace BinderTrace.Comparison;

public enum Verdict
{
    NoChange,
    Improved,
    Regressed,

    /// <summary>The data cannot decide: too few runs, or a single-run difference within run-to-run variation.</summary>
    Inconclusive,

    /// <summary>Informational metric (workload volume, labels): shown, never judged.</summary>
    NotJudged,
}

/// <summary>How a metric's verdict was reached; every output names it.</summary>
public enum ComparisonMethod
{
    /// <summary>Several runs per side: Mann–Whitney U on per-run values, Hodges–Lehmann shift with Moses' interval.</summary>
    MannWhitney,

    /// <summary>One run per side: circular block bootstrap within each trace, judged against the run-to-run allowance.</summary>
    BlockBootstrap,

    /// <summary>An event class appears or vanishes, backed by its counts.</summary>
    Structural,

    /// <summary>One run per side, an event count that neither appears nor vanishes: not decidable.</summary>
    SingleRunCount,

    /// <summary>One run per side without samples: the point estimate against the squared run-to-run allowance.</summary>
    PointEstimate,

    /// <summary>Both sides have the same value (or the metric is a label).</summary>
    Identity,

    /// <summary>The metric is missing on one side.</summary>
    Missing,
}

/// <summary>
/// One metric compared: per-side values (medians over runs), the change, its interval, the verdict, the
/// method and a sentence saying why. Shared by every renderer and by the gate.
/// </summary>
public sealed record MetricComparison(
    string Metric,
    MetricKind Kind,
    MetricDirection Direction,
    double Baseline,
    double Candidate,
    int BaselineRuns,
    int CandidateRuns,
    double AbsoluteChange,
    RelativeChange RelativeChange,
    ConfidenceInterval Interval,
    ConfidenceInterval RelativeInterval,
    double PValue,
    Verdict Verdict,
    ComparisonMethod Method,
    string Reason)
{
    /// <summary>Label values (<c>fingerprint.design</c>) per side; null for numbers.</summary>
    public string? BaselineText { get; init; }

    public string? CandidateText { get; init; }
}

/// <summary>A data-quality problem of one input trace.</summary>
public sealed record DataQualityProblem(string Side, string Source, DataQualityIssue Issue, string Message);

/// <summary>The whole comparison of a baseline and a candidate (one or more runs each).</summary>
public sealed class ComparisonReport
{
    public ComparisonReport(
        IReadOnlyList<string> baselineSources,
        IReadOnlyList<string> candidateSources,
        IReadOnlyList<MetricComparison> metrics,
        IReadOnlyList<DataQualityProblem> dataQuality,
        ComparisonOptions options)
    {
        BaselineSources = baselineSources;
        CandidateSources = candidateSources;
        Metrics = metrics;
        DataQuality = dataQuality;
        Options = options;
    }

    public IReadOnlyList<string> BaselineSources { get; }

    public IReadOnlyList<string> CandidateSources { get; }

    public IReadOnlyList<MetricComparison> Metrics { get; }

    public IReadOnlyList<DataQualityProblem> DataQuality { get; }

    public ComparisonOptions Options { get; }

    /// <summary>The one overall verdict, by the rule of <see cref="OverallVerdict"/> (the headline metrics decide).</summary>
    public Verdict Overall => OverallVerdict.Of(OverallVerdict.DecidingMetrics(this));

    /// <summary>Regression if any metric regressed; else inconclusive if any was or an input has data-quality problems; else pass.</summary>
    public GateOutcome Outcome => Overall switch
    {
        Verdict.Regressed => GateOutcome.Regression,
        Verdict.Inconclusive => GateOutcome.Inconclusive,
        _ when DataQuality.Count > 0 => GateOutcome.Inconclusive,
        _ => GateOutcome.Pass,
    };
}
