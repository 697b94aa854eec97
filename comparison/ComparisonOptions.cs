namespace BinderTrace.Comparison;

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
    /// One run-to-run allowance for every statistic, as a fraction (2 means ×3 or ÷3), overriding the measured
    /// per-statistic table of <see cref="RunToRunAllowances"/>; null (the default) uses that table. A gate file's
    /// <c>run_to_run_allowance</c> sets it.
    /// </summary>
    public double? RunToRunAllowance { get; init; }

    /// <summary>
    /// Fewest events per side for a single-run timing decision. Below 100 even a p90 differed ×319 between two
    /// real runs of the same kernel (6.1's binder write waits, 59 events); from 100 events on, no A/A pair went
    /// beyond the measured allowances (docs/comparison-calibration.md).
    /// </summary>
    public long MinimumSingleRunEvents { get; init; } = 100;

    /// <summary>
    /// Fewest events that must stand against zero on the other side for an appear/vanish to count as
    /// structural: the conditional Poisson p-value of 0 vs k is 2^-k, below 0.001 from k = 10.
    /// </summary>
    public long MinimumStructuralCount { get; init; } = 10;

    /// <summary>
    /// Metrics to compare, as globs over metric paths (<c>*</c> any run of characters, <c>?</c> one); null
    /// compares every metric. The chosen metrics also decide the overall verdict (<see cref="OverallVerdict"/>).
    /// </summary>
    public IReadOnlyList<string>? MetricPatterns { get; init; }

    public int BootstrapResamples { get; init; } = CircularBlockBootstrap.DefaultResamples;

    public int Seed { get; init; } = CircularBlockBootstrap.DefaultSeed;
}
