using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>
/// The tests and estimators pinned to values worked out by hand from their definitions. Mann–Whitney null
/// distributions for n = m are the coefficients of the Gaussian binomial [2n choose n]_q (the number of
/// arrangements with U = u is the number of partitions of u into at most n parts of size at most n).
/// </summary>
public sealed class ComparisonStatisticsTests
{
    [Fact]
    public void MannWhitney_complete_separation_of_three_runs_is_one_arrangement_in_twenty()
    {
        // C(6, 3) = 20 equally likely arrangements under H0; only one has every candidate above every baseline.
        Assert.Equal(1.0 / 20, MannWhitneyUTest.PValueCandidateGreater([1, 2, 3], [4, 5, 6]), 6);
        Assert.Equal(1.0, MannWhitneyUTest.PValueCandidateLess([1, 2, 3], [4, 5, 6]), 6);
    }

    [Fact]
    public void MannWhitney_complete_separation_of_five_runs_is_one_in_252()
    {
        // C(10, 5) = 252.
        Assert.Equal(1.0 / 252, MannWhitneyUTest.PValueCandidateLess([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]), 6);
    }

    [Fact]
    public void MannWhitney_interleaved_runs_match_the_exact_distribution()
    {
        // Candidate {2,4,6,8} vs baseline {1,3,5,7}: U = #(candidate > baseline) = 1 + 2 + 3 + 4 = 10 of 16.
        // [8 choose 4]_q = 1,1,2,3,5,5,7,7,8,7,7,5,5,3,2,1,1 (sum 70); P(U >= 10) = (7+5+5+3+2+1+1)/70 = 24/70.
        Assert.Equal(24.0 / 70, MannWhitneyUTest.PValueCandidateGreater([1, 3, 5, 7], [2, 4, 6, 8]), 6);
    }

    [Theory]
    [InlineData(0.01, 1, 5)] // two-sided: 2/C(8,4) = 0.029 > 0.01, 2/C(10,5) = 0.0079
    [InlineData(0.05, 1, 4)] // 2/C(6,3) = 0.1, 2/C(8,4) = 0.029
    [InlineData(0.1, 1, 3)] // 2/C(6,3) = 0.1
    [InlineData(0.01, 99, 9)] // 0.01/99 = 1.01e-4: 2/C(16,8) = 1.55e-4 too big, 2/C(18,9) = 4.1e-5
    [InlineData(0.01, 923, 10)] // 0.01/923 = 1.0834e-5 >= 2/C(20,10) = 1.0825e-5
    [InlineData(0.01, 924, 11)] // 0.01/924 = 1.0823e-5 < 1.0825e-5
    public void Minimum_runs_per_side_is_the_first_n_where_complete_separation_survives_the_correction(double alpha, int tests, int expected)
    {
        Assert.Equal(expected, MannWhitneyUTest.MinimumRunsPerSide(alpha, tests));
    }

    [Fact]
    public void Holm_adjusts_in_step_down_order_and_keeps_monotonicity()
    {
        // Sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04, raised to 0.06 to stay monotone).
        var adjusted = HolmBonferroni.Adjust([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 12)));
        Assert.Equal([0.7], HolmBonferroni.Adjust([0.7]));

        // 0.6 x 2 = 1.2 is capped at 1, and 0.7 then stays at 1.
        Assert.Equal([1.0, 1.0], HolmBonferroni.Adjust([0.6, 0.7]));
    }

    [Fact]
    public void Hodges_Lehmann_shift_is_the_median_of_pairwise_differences()
    {
        // Differences candidate - baseline: 1,2,3,3,4,5,5,6,7 -> median 4.
        Assert.Equal(4, HodgesLehmannShift.Estimate([1, 2, 3], [4, 6, 8]));
    }

    [Fact]
    public void Moses_interval_with_three_runs_can_only_reach_ninety_percent()
    {
        // P(U = 0) = 1/20 > 0.025, so k = 1 (widest interval: smallest to largest difference), level 1 - 2/20 = 0.9.
        var interval = HodgesLehmannShift.Interval([1, 2, 3], [4, 6, 8], 0.95);
        Assert.Equal(new ConfidenceInterval(1, 7, 0.9), interval with { Level = Math.Round(interval.Level, 9) });
    }

    [Fact]
    public void Moses_interval_with_five_runs_uses_the_tabulated_critical_value()
    {
        // n = m = 5, two-sided 5 %: P(U <= 2) = 4/252 = 0.0159 <= 0.025 < P(U <= 3) = 7/252, so k = 3 (the
        // published critical value U = 2, +1). Differences 10 + (i - j): 6 x1, 7 x2, 8 x3, ..., 14 x1; the 3rd
        // smallest is 7 and the 3rd largest 13. Level = 1 - 2 * 4/252.
        var interval = HodgesLehmannShift.Interval([1, 2, 3, 4, 5], [11, 12, 13, 14, 15], 0.95);
        Assert.Equal(7, interval.Lower);
        Assert.Equal(13, interval.Upper);
        Assert.Equal(1 - 8.0 / 252, interval.Level, 9);
        Assert.Equal(10, HodgesLehmannShift.Estimate([1, 2, 3, 4, 5], [11, 12, 13, 14, 15]));
    }

    [Theory]
    [InlineData("10%", ThresholdKind.Relative, 0.10)]
    [InlineData(" 2.5 % ", ThresholdKind.Relative, 0.025)]
    [InlineData("50", ThresholdKind.Absolute, 50)]
    [InlineData("0", ThresholdKind.Absolute, 0)]
    public void Threshold_parses_relative_and_absolute_forms(string text, ThresholdKind kind, double value)
    {
        Assert.True(Threshold.TryParse(text, out var threshold));
        Assert.Equal(kind, threshold.Kind);
        Assert.Equal(value, threshold.Value, 12);
    }

    [Theory]
    [InlineData("-5%")]
    [InlineData("ten")]
    [InlineData("%")]
    [InlineData("")]
    [InlineData("NaN")]
    public void Threshold_refuses_nonsense(string text)
    {
        Assert.False(Threshold.TryParse(text, out _));
    }

    [Fact]
    public void Relative_threshold_scales_with_the_baseline()
    {
        var tenPercent = Threshold.Relative(0.10);
        Assert.False(tenPercent.IsExceededBy(200, 20));
        Assert.True(tenPercent.IsExceededBy(200, 21));
        Assert.True(tenPercent.IsExceededBy(200, -21));
        Assert.True(Threshold.Absolute(50).IsExceededBy(10, 51));
    }

    [Fact]
    public void Relative_change_formats_invariantly_and_names_appearance()
    {
        Assert.Equal("+10.0 %", RelativeChange.Between(200, 220).ToString());
        Assert.Equal("-25.0 %", RelativeChange.Between(200, 150).ToString());
        Assert.Equal("new", RelativeChange.Between(0, 5).ToString());
        Assert.Equal("0.0 %", RelativeChange.Between(0, 0).ToString());
    }

    [Fact]
    public void Nearest_rank_quantiles_follow_the_ceiling_rule()
    {
        // Values 1..10: p50 -> rank ceil(5) = 5, p90 -> rank 9, p99 -> rank ceil(9.9) = 10.
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, SampleStatisticEvaluator.EvaluateSorted(SampleStatistic.Median, sorted));
        Assert.Equal(9, SampleStatisticEvaluator.EvaluateSorted(SampleStatistic.P90, sorted));
        Assert.Equal(10, SampleStatisticEvaluator.EvaluateSorted(SampleStatistic.P99, sorted));
        Assert.Equal(5.5, SampleStatisticEvaluator.EvaluateSorted(SampleStatistic.Mean, sorted));
        Assert.Equal(110, SampleStatisticEvaluator.EvaluateSorted(SampleStatistic.Total, sorted, totalScale: 2));
    }
}
