namespace BinderTrace.Comparison;

/// <summary>
/// How far, as a ratio, one run may differ from another run of the same kernel and workload before a
/// single-run comparison may call the difference a change, per statistic. Each value is twice the largest A/A
/// ratio measured for that statistic over event classes with at least
/// <see cref="ComparisonOptions.MinimumSingleRunEvents"/> events: the three real pairs (contended vs
/// contended-2 on 6.1, 6.12 and 7.3) and simulated pairs (the reference allocator, two seeds). Three real pairs
/// cannot show the tail of the run-to-run spread, hence the margin of ×2. Tails and totals rest on few events
/// and spread most (a 6.1 read-wait total differed ×22.7 between two runs). The measurements and the method
/// are in docs/comparison-calibration.md; a slow test re-measures the real pairs against this table.
/// </summary>
public static class RunToRunAllowances
{
    /// <summary>The allowance for a statistic as a ratio (≥ 1); a total, a mean or an unknown statistic gets the largest.</summary>
    public static double Ratio(SampleStatistic? statistic) => statistic switch
    {
        SampleStatistic.Median => 16,
        SampleStatistic.P90 => 12,
        SampleStatistic.P99 => 23,
        _ => 46,
    };

    /// <summary>The ratio a comparison uses: the uniform override of <paramref name="options"/> when set, else the table.</summary>
    public static double Ratio(SampleStatistic? statistic, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RunToRunAllowance is { } uniform ? 1 + uniform : Ratio(statistic);
    }
}
