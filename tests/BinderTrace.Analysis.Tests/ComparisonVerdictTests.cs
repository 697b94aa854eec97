using BinderTrace.Comparison;
using static BinderTrace.Tests.ComparisonTestReports;

namespace BinderTrace.Tests;

/// <summary>
/// The verdict rules as a table of situations: what one run can decide (structural changes) and what it
/// cannot (timing within run-to-run variation), and what several runs decide.
/// </summary>
public sealed class ComparisonVerdictTests
{
    private const string WriteHoldP99 = "mmap_lock.binder.hold_ns.write.p99";
    private const string WriteHoldCount = "mmap_lock.binder.hold_ns.write.count";

    private static readonly MetricComparer Comparer = new(new ComparisonOptions { BootstrapResamples = 300 });

    [Fact]
    public void Binder_write_holds_vanishing_is_an_improvement_decidable_from_one_run()
    {
        // 1200 -> 0 binder write holds: conditional Poisson p = 2^-1200, far past the 10-event minimum.
        var report = Comparer.Compare([Measurement(Report(1200, 5_000))], [Measurement(Report(0, 0))]);

        var count = Row(report, WriteHoldCount);
        Assert.Equal(Verdict.Improved, count.Verdict);
        Assert.Equal(ComparisonMethod.Structural, count.Method);
        Assert.Contains("1200 → 0", count.Reason, StringComparison.Ordinal);
        Assert.Equal(Verdict.Improved, Row(report, WriteHoldP99).Verdict);
    }

    [Fact]
    public void Binder_write_holds_appearing_is_a_regression_decidable_from_one_run()
    {
        var report = Comparer.Compare([Measurement(Report(0, 0))], [Measurement(Report(1200, 5_000))]);

        Assert.Equal(Verdict.Regressed, Row(report, WriteHoldCount).Verdict);
        Assert.Equal(Verdict.Regressed, report.Overall);
        Assert.Equal(GateOutcome.Regression, report.Outcome);
    }

    [Fact]
    public void Too_few_events_against_zero_are_not_structural()
    {
        // 0 vs 5 events: p = 2^-5 = 0.03, not enough (minimum 10 events).
        var report = Comparer.Compare([Measurement(Report(0, 0))], [Measurement(Report(5, 5_000))]);

        Assert.NotEqual(ComparisonMethod.Structural, Row(report, WriteHoldCount).Method);
        Assert.Equal(Verdict.Inconclusive, Row(report, WriteHoldP99).Verdict);
    }

    [Fact]
    public void A_small_single_run_timing_change_without_samples_is_inconclusive()
    {
        // +10 % on one run each: inside the 50 % run-to-run allowance.
        var report = Comparer.Compare([Measurement(Report(1000, 5_000))], [Measurement(Report(1000, 5_500))]);

        var row = Row(report, WriteHoldP99);
        Assert.Equal(Verdict.Inconclusive, row.Verdict);
        Assert.Equal(ComparisonMethod.PointEstimate, row.Method);
        Assert.Contains("collect more runs", row.Reason, StringComparison.Ordinal);
        Assert.Equal(GateOutcome.Inconclusive, report.Outcome);
    }

    [Fact]
    public void A_small_single_run_timing_change_with_samples_is_inconclusive_and_names_the_bootstrap()
    {
        var (baseline, candidate) = SampledPair(factor: 1.1);

        var row = Row(Comparer.Compare([baseline], [candidate]), WriteHoldP99);

        Assert.Equal(Verdict.Inconclusive, row.Verdict);
        Assert.Equal(ComparisonMethod.BlockBootstrap, row.Method);
        Assert.True(row.RelativeInterval.IsDefined);
        Assert.InRange(row.RelativeInterval.Lower, -0.5, 0.5);
    }

    [Fact]
    public void A_fortyfold_single_run_timing_change_with_samples_is_a_regression()
    {
        // Candidate durations = 40 x baseline: the p99 ratio 40 is beyond the measured p99 allowance x23, and every
        // bootstrap ratio is near 40, so the interval excludes no change.
        var (baseline, candidate) = SampledPair(factor: 40);

        var row = Row(Comparer.Compare([baseline], [candidate]), WriteHoldP99);

        Assert.Equal(23, RunToRunAllowances.Ratio(SampleStatistic.P99));
        Assert.Equal(Verdict.Regressed, row.Verdict);
        Assert.Equal(ComparisonMethod.BlockBootstrap, row.Method);
        Assert.True(row.RelativeInterval.Lower > 0);
        Assert.Contains("ratio ×40 beyond the run-to-run allowance ×23", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fivefold_single_run_timing_change_is_within_what_two_runs_of_one_kernel_differ_by()
    {
        // x5: the interval excludes no change, but real A/A pairs differed up to x8.9 at the p99 (6.12 read waits).
        var (baseline, candidate) = SampledPair(factor: 5);

        var row = Row(Comparer.Compare([baseline], [candidate]), WriteHoldP99);

        Assert.True(row.RelativeInterval.Lower > 0);
        Assert.Equal(Verdict.Inconclusive, row.Verdict);
        Assert.Contains("within the run-to-run allowance ×23", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tripling_single_run_timing_change_is_not_far_enough_outside_the_allowance()
    {
        var (baseline, candidate) = SampledPair(factor: 3);

        Assert.Equal(Verdict.Inconclusive, Row(Comparer.Compare([baseline], [candidate]), WriteHoldP99).Verdict);
    }

    [Fact]
    public void A_fortyfold_single_run_change_of_a_rare_event_class_is_inconclusive()
    {
        // 50 events per side is below the 100-event minimum for single-run timing decisions.
        var (baseline, candidate) = SampledPair(factor: 40, events: 50);

        var row = Row(Comparer.Compare([baseline], [candidate]), WriteHoldP99);

        Assert.Equal(Verdict.Inconclusive, row.Verdict);
        Assert.Contains("fewer than 100 events", row.Reason, StringComparison.Ordinal);
    }

    // Multi-run reports below have 6 rank-tested metrics (binder write hold count, total, p50, p90, p99 and
    // pages.reinstalls_after_reclaim; min/max and workload counts are informational), so Holm multiplies the
    // smallest p-values by 6, 5, 4, ... and keeps them monotone.
    [Fact]
    public void Ten_runs_per_side_with_a_clear_shift_regress()
    {
        // Every candidate above every baseline: two-sided p = 2/C(20,10) = 2/184756 for total, p50, p90 and p99;
        // Holm: max(6p, 5p, 4p, 3p) = 12/184756. HL shift = 20 (candidate = baseline + 20) on a median of 100 (+20 %).
        var report = Comparer.Compare(
            Runs("b", 100, 102, 98, 101, 99, 100, 103, 97, 101, 99), Runs("c", 120, 122, 118, 121, 119, 120, 123, 117, 121, 119));

        var row = Row(report, WriteHoldP99);
        Assert.Equal(Verdict.Regressed, row.Verdict);
        Assert.Equal(ComparisonMethod.MannWhitney, row.Method);
        Assert.Equal(12.0 / 184756, row.PValue, 12);
        Assert.Equal(20, row.AbsoluteChange);
        Assert.Equal(0.20, row.RelativeChange.Fraction, 9);
        Assert.True(row.Interval.Lower > 0);
        Assert.Contains("Holm over 6 metrics", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_runs_per_side_with_a_clear_drop_improve()
    {
        var row = Row(Comparer.Compare(
            Runs("b", 120, 122, 118, 121, 119, 120, 123, 117, 121, 119), Runs("c", 100, 102, 98, 101, 99, 100, 103, 97, 101, 99)), WriteHoldP99);
        Assert.Equal(Verdict.Improved, row.Verdict);
    }

    [Fact]
    public void Five_runs_per_side_cannot_survive_the_correction_and_ask_for_more_runs()
    {
        // Complete separation of 5 vs 5: two-sided p = 2/252 = 0.0079, x6 after Holm = 0.048 > 0.01. The fewest runs
        // for 6 metrics: 0.01/6 = 0.00167 >= 2/C(2n,n) first at n = 7 (2/3432 = 5.8e-4; n = 6 gives 2/924 = 0.0022).
        var row = Row(Comparer.Compare(Runs("b", 100, 101, 99, 102, 98), Runs("c", 150, 151, 149, 152, 148)), WriteHoldP99);

        Assert.Equal(Verdict.Inconclusive, row.Verdict);
        Assert.Contains("at least 7 per side", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_significant_but_tiny_shift_is_no_change()
    {
        // +1 % with complete separation: significant after Holm (6 x 2/184756), but below the 5 % practical threshold.
        var row = Row(Comparer.Compare(
            Runs("b", 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009),
            Runs("c", 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019)), WriteHoldP99);

        Assert.Equal(Verdict.NoChange, row.Verdict);
        Assert.Contains("within 5 %", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_runs_are_no_change()
    {
        var row = Row(Comparer.Compare(
            Runs("b", 100, 130, 90, 120, 110, 105, 125, 95, 115, 100), Runs("c", 105, 95, 125, 115, 100, 110, 120, 90, 130, 100)), WriteHoldP99);
        Assert.Equal(Verdict.NoChange, row.Verdict);
    }

    [Theory]
    [InlineData(10, 10, Verdict.NoChange)] // identical
    [InlineData(1000, 1020, Verdict.NoChange)] // +2 %: within the 5 % practical threshold
    [InlineData(100, 400, Verdict.Inconclusive)] // counts vary between runs more than Poisson: one run cannot decide x4
    [InlineData(400, 100, Verdict.Inconclusive)]
    [InlineData(0, 400, Verdict.Regressed)] // structural: 0 vs 400 >= 10 events
    public void Single_run_reinstall_counts(long baseline, long candidate, Verdict expected)
    {
        var report = Comparer.Compare([Measurement(Report(1000, 5000, reinstalls: baseline))], [Measurement(Report(1000, 5000, reinstalls: candidate))]);
        Assert.Equal(expected, Row(report, "pages.reinstalls_after_reclaim").Verdict);
    }

    [Fact]
    public void Workload_volume_and_labels_are_shown_but_not_judged()
    {
        var report = Comparer.Compare(
            [Measurement(Report(1000, 5000, transactions: 1000, design: "page-write"))],
            [Measurement(Report(1000, 5000, transactions: 5000, design: "page-concurrent"))]);

        Assert.Equal(Verdict.NotJudged, Row(report, "transactions.count").Verdict);
        var design = Row(report, "fingerprint.design");
        Assert.Equal(Verdict.NotJudged, design.Verdict);
        Assert.Equal("page-write", design.BaselineText);
        Assert.Equal("page-concurrent", design.CandidateText);
        Assert.Equal("changed", design.Reason);
    }

    [Fact]
    public void Identical_runs_are_no_change_and_pass()
    {
        var report = Comparer.Compare([Measurement(Report(1000, 5000))], [Measurement(Report(1000, 5000))]);

        Assert.DoesNotContain(report.Metrics, m => m.Verdict is Verdict.Regressed or Verdict.Improved or Verdict.Inconclusive);
        Assert.Equal(GateOutcome.Pass, report.Outcome);
    }

    [Fact]
    public void Sample_families_missing_from_the_report_get_their_own_rows()
    {
        var (baseline, candidate) = SampledPair(factor: 1, family: MetricSampleSink.TransactionDelivery);

        var report = Comparer.Compare([baseline], [candidate]);

        Assert.Contains(report.Metrics, m => m.Metric == "transactions.delivery_ns.p99");
        Assert.Equal(1200, Row(report, "transactions.delivery_ns.count").Baseline);
    }

    [Fact]
    public void A_saved_report_without_samples_does_not_count_as_zero_for_sample_only_families()
    {
        // The baseline is a saved report: it never had pages.active_ns, which is not an absence of events.
        var (_, analysed) = SampledPair(factor: 1, family: MetricSampleSink.PageActive);
        var saved = Measurement(Report(1200, 5_000), "saved.json");

        var row = Row(Comparer.Compare([saved], [analysed]), "pages.active_ns.p99");

        Assert.Equal(ComparisonMethod.Missing, row.Method);
        Assert.Equal(Verdict.Inconclusive, row.Verdict);
    }

    /// <summary>
    /// One run each with <paramref name="events"/> binder write holds whose durations wander (AR(1)-like) around
    /// 5 µs; the candidate's are the baseline's times <paramref name="factor"/>, and its report values scale the same way.
    /// </summary>
    private static (TraceMeasurement Baseline, TraceMeasurement Candidate) SampledPair(
        double factor, string family = "mmap_lock.binder.hold_ns.write", int events = 1200)
    {
        var random = new Random(42);
        var values = new double[events];
        var level = 5_000.0;
        for (var i = 0; i < values.Length; i++)
        {
            level = 5_000 + 0.7 * (level - 5_000) + random.NextDouble() * 1_000 - 500;
            values[i] = Math.Round(level);
        }

        var baselineSamples = TimedSamples.FromSeries(values);
        var candidateSamples = TimedSamples.FromSeries(values.Select(v => v * factor).ToArray());
        var baseline = Measurement(Report(events, 5_000), "b", samples: new Dictionary<string, TimedSamples> { [family] = baselineSamples });
        var candidate = Measurement(Report(events, 5_000 * factor), "c", samples: new Dictionary<string, TimedSamples> { [family] = candidateSamples });
        return (baseline, candidate);
    }
}
