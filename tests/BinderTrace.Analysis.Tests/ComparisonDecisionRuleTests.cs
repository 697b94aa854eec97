using System.Globalization;
using BinderTrace.Cli.Rendering;
using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 15/16 rules with hand-calculated expectations: ratio-scale intervals for positive quantities, the one
/// overall verdict, <c>--metrics</c> globs, and a terminal table that fits 120 columns.
/// </summary>
public sealed class ComparisonDecisionRuleTests
{
    private static readonly ComparisonOptions Options = new();

    [Fact]
    public void Ratio_estimate_is_the_median_pairwise_ratio_with_moses_interval_of_ratios()
    {
        // Ratios candidate/baseline of {1, 2} vs {4, 8}: 4/1, 4/2, 8/1, 8/2 = 2, 4, 4, 8 -> median 4. With 2 runs per
        // side the exact Mann-Whitney null has P(U = 0) = 1/C(4, 2) = 1/6, so the widest interval [2, 8] is all
        // there is, at level 1 - 2/6 = 2/3.
        var (ratio, interval) = HodgesLehmannShift.RatioEstimate([1, 2], [4, 8], 0.95);

        Assert.Equal(4, ratio, 9);
        Assert.Equal(2, interval.Lower, 9);
        Assert.Equal(8, interval.Upper, 9);
        Assert.Equal(2.0 / 3, interval.Level, 9);
    }

    [Fact]
    public void A_relative_interval_of_a_duration_never_goes_below_minus_100_percent()
    {
        // {100, 100, 300} -> {1, 2, 3}: the nine ratios sorted are 1/300, 2/300, 1/100, 1/100, 3/300, 2/100, 2/100,
        // 3/100, 3/100; the median is 0.01 (-99 %). 3 runs per side: P(U = 0) = 1/C(6, 3) = 1/20, so k = 1 and the
        // interval is [1/300, 3/100] = [-99.667 %, -97 %] at level 0.9. The shift interval [-299, -97] divided by
        // the baseline median 100 would have said [-299 %, -97 %].
        var row = VerdictRules.Decide(Evidence([100, 100, 300], [1, 2, 3]), Threshold.Relative(0.05), Options);

        Assert.Equal(-0.99, row.RelativeChange.Fraction, 9);
        Assert.Equal(1.0 / 300 - 1, row.RelativeInterval.Lower, 9);
        Assert.Equal(-0.97, row.RelativeInterval.Upper, 9);
        Assert.Equal(0.9, row.RelativeInterval.Level, 9);
        Assert.Equal(-299, row.Interval.Lower);
    }

    [Fact]
    public void With_a_zero_run_the_shift_interval_is_clamped_at_minus_100_percent_and_says_so()
    {
        // {0, 100, 300} -> {0, 1, 2}: no ratio exists for the zero runs. Shift differences run from 0 - 300 = -300 to
        // 2 - 0 = 2; over the baseline median 100 that is [-300 %, +2 %], clamped to [-100 %, +2 %].
        var row = VerdictRules.Decide(Evidence([0, 100, 300], [0, 1, 2]), Threshold.Relative(0.05), Options);

        Assert.Equal(-1, row.RelativeInterval.Lower);
        Assert.Equal(0.02, row.RelativeInterval.Upper, 9);
        Assert.Contains("clamped at -100 %", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_run_quantile_that_drops_to_zero_is_not_called_a_change()
    {
        var evidence = Evidence([12_000], [0]) with { BaselineCounts = [3500], CandidateCounts = [3500] };

        var row = VerdictRules.Decide(evidence, Threshold.Relative(0.05), Options);

        Assert.Equal(Verdict.Inconclusive, row.Verdict);
        Assert.Contains("no ratio", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Headline_metrics_decide_and_other_decided_changes_do_not()
    {
        var report = Report(
            Row("pages.install_ns.p99", Verdict.Improved, -50),
            Row("transactions.delivery_ns.p99", Verdict.Regressed, 50));

        Assert.Equal(Verdict.Improved, report.Overall);
        Assert.Equal(GateOutcome.Pass, report.Outcome);
        var json = new StringWriter(CultureInfo.InvariantCulture);
        new ComparisonJsonRenderer().Write(json, report);
        Assert.Contains("\"overall_decided_by\": [\n    \"pages.install_ns.p99\"\n  ]", json.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Verdict.Regressed, 50, Verdict.Regressed)]
    [InlineData(Verdict.Inconclusive, 50, Verdict.Inconclusive)]
    [InlineData(Verdict.Inconclusive, -50, Verdict.Improved)]
    [InlineData(Verdict.NoChange, 0, Verdict.Improved)]
    public void Overall_rule_regressed_then_inconclusive_the_bad_way_then_improved(Verdict second, double change, Verdict expected)
    {
        // The second headline metric beside an improved install p99: an undecided change the good way cannot be
        // the regression a reader fears, one the bad way can.
        var report = Report(
            Row("pages.install_ns.p99", Verdict.Improved, -50),
            Row("mmap_lock.wait_ns.write.p99", second, change));

        Assert.Equal(expected, report.Overall);
    }

    [Fact]
    public void Without_headline_metrics_every_metric_decides_and_chosen_metrics_decide_alone()
    {
        var noHeadline = Report(Row("transactions.delivery_ns.p99", Verdict.Regressed, 50));
        var chosen = new ComparisonReport(
            ["b"], ["c"], [Row("transactions.delivery_ns.p99", Verdict.Regressed, 50)], [],
            Options with { MetricPatterns = ["transactions.*"] });

        Assert.Equal(Verdict.Regressed, noHeadline.Overall);
        Assert.Equal(Verdict.Regressed, chosen.Overall);
    }

    [Theory]
    [InlineData("pages.*", "pages.install_ns.p99", true)]
    [InlineData("*.p99", "mmap_lock.binder.hold_ns.write.p99", true)]
    [InlineData("*.p9?", "pages.install_ns.p90", true)]
    [InlineData("*.p99", "pages.install_ns.p999", false)]
    [InlineData("pages.install_ns.p50", "pages.install_ns.p50", true)]
    [InlineData("pages", "pages.install_ns.p50", false)]
    [InlineData("*hold*write*", "mmap_lock.binder.hold_ns.write.count", true)]
    public void Metric_globs_match_whole_paths(string pattern, string path, bool matches) =>
        Assert.Equal(matches, MetricGlob.IsMatch(pattern, path));

    [Fact]
    public void A_metric_list_with_an_empty_entry_is_an_input_error()
    {
        Assert.Equal(["pages.*", "*.p99"], MetricGlob.ParseList("pages.*, *.p99"));
        Assert.Throws<ComparisonInputException>(() => MetricGlob.ParseList("pages.*,,*.p99"));
    }

    [Fact]
    public void The_text_table_fits_120_columns_shows_decided_and_headline_metrics_first_and_the_rest_with_all()
    {
        var longName = "mmap_lock.binder.a_family_name_long_enough_to_push_the_table_past_the_terminal_width_ns.write.p99";
        var report = Report(
            Row("transactions.delivery_ns.p50", Verdict.NoChange, 0),
            Row("pages.install_ns.p99", Verdict.Inconclusive, 10),
            Row(longName, Verdict.Regressed, 50_000_000));

        var shown = Render(report, new ComparisonTextLayout());
        var all = Render(report, new ComparisonTextLayout(AllMetrics: true));

        Assert.All(shown.Concat(all), line => Assert.True(line.Length <= 120, $"{line.Length} columns: {line}"));
        var table = shown.SkipWhile(l => !l.StartsWith("metric", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.Length > 0).ToList();
        Assert.StartsWith("mmap_lock.binder.a_family", table[0], StringComparison.Ordinal);
        Assert.EndsWith(" regressed", table[0], StringComparison.Ordinal); // the change and method columns made room
        Assert.Contains("…", table[0], StringComparison.Ordinal);
        Assert.StartsWith("pages.install_ns.p99", table[1], StringComparison.Ordinal);
        Assert.Equal("(1 more metrics, none decided: 1 no change; --all shows them)", table[2]);
        Assert.Contains(all, l => l.StartsWith("transactions.delivery_ns.p50", StringComparison.Ordinal));
        Assert.DoesNotContain(shown, l => l.Contains("CI (relative)", StringComparison.Ordinal));
    }

    private static string[] Render(ComparisonReport report, ComparisonTextLayout layout)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        new ComparisonTextRenderer(layout).Write(output, report);
        return output.ToString().Split(Environment.NewLine);
    }

    private static MetricEvidence Evidence(double[] baseline, double[] candidate) =>
        new(MetricCatalog.Describe("pages.install_ns.p99"), baseline, candidate, null, null, null);

    private static ComparisonReport Report(params MetricComparison[] metrics) => new(["b"], ["c"], metrics, [], Options);

    private static MetricComparison Row(string metric, Verdict verdict, double change) => new(
        metric, MetricKind.Duration, MetricDirection.LowerIsBetter, 100_000, 100_000 + change, 1, 1, change,
        RelativeChange.Between(100_000, 100_000 + change), ConfidenceInterval.None, ConfidenceInterval.None, double.NaN,
        verdict, ComparisonMethod.BlockBootstrap, "reason");
}
