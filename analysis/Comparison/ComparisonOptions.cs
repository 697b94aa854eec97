namespace BinderTrace.Analysis.Comparison;

/// <summary>
/// The knobs of a comparison, with defaults chosen for the decision-quality targets of issue 5 (A/A false
/// regressions ≤ 1 %, +10 % install cost detected).
/// </summary>
public sealed record ComparisonOptions
{
    /// <summary>
    /// Runs per side the tool recommends (and the demo and benchmarks use): complete separation of 10 vs 10 has
    /// two-sided p = 2 / C(20, 10) = 1.1e-5, significant after Holm's correction over up to 923 metrics at 0.01 (0.01 / 923 = 1.083e-5).
    /// </summary>
    public const int RecommendedRunsPerSide = 10;

    /// <summary>
    /// Family-wise significance level: the chance that an A/A comparison calls any metric changed is at most
    /// this (Holm's correction over the metrics tested together, <see cref="HolmBonferroni"/>).
    /// </summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>Confidence level of the reported intervals.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>A significant change smaller than this is reported as no change (the default for <c>compare</c>; gates bring their own).</summary>
    public Threshold PracticalThreshold { get; init; } = Threshold.Relative(0.05);

    /// <summary>
    /// How far two runs of the same kernel and workload can differ (as a fraction; 2 means ×3 or ÷3). Real
    /// captures differ by tens of percent in lock-time totals; on the reference allocator (page-concurrent,
    /// contended, 30 seeds) event classes with at least 1000 events differ by at most ×2 between two seeds at
    /// the 99th percentile of pairs (µs-quantised p90s: 1 vs 2 µs). A single-run timing change is decided only
    /// when its whole within-trace interval lies beyond ×(1 + allowance) or ÷(1 + allowance).
    /// </summary>
    public double RunToRunAllowance { get; init; } = 2;

    /// <summary>
    /// Fewest events per side for a single-run timing decision. Rarer classes (reinstalls after reclaim, the
    /// shrinker's read waits) vary ×3 to ×30 between seeds on the reference allocator: one trace cannot show that.
    /// </summary>
    public long MinimumSingleRunEvents { get; init; } = 1000;

    /// <summary>
    /// Fewest events that must stand against zero on the other side for an appear/vanish to count as
    /// structural: the conditional Poisson p-value of 0 vs k is 2^-k, below 0.001 from k = 10.
    /// </summary>
    public long MinimumStructuralCount { get; init; } = 10;

    public int BootstrapResamples { get; init; } = CircularBlockBootstrap.DefaultResamples;

    public int Seed { get; init; } = CircularBlockBootstrap.DefaultSeed;
}
