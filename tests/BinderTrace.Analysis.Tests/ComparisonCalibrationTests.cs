using BinderTrace.Comparison;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// The single-run calibration against the real captures (docs/comparison-calibration.md): contended and
/// contended-2 are two runs of the same workload on the same kernel, so nothing may be decided between them;
/// 6.12 (one mmap write lock per page, KERNEL.md §3) against 7.3 (per-VMA lock, §4) removes the long install
/// stalls behind the write lock, and one run of each must say so.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ComparisonCalibrationTests
{
    private const string Kernel61 = "6.1.0-56-amd64";
    private const string Kernel612 = "6.12.107+deb13-amd64";
    private const string Kernel73 = "7.3.4+deb13-amd64";

    private static readonly Dictionary<(string, string), Lazy<TraceMeasurement>> Captures = new[] { Kernel61, Kernel612, Kernel73 }
        .SelectMany(k => new[] { (k, "contended"), (k, "contended-2") })
        .ToDictionary(key => key, key => new Lazy<TraceMeasurement>(() => Load(key.Item1, key.Item2)));

    [Theory]
    [InlineData(Kernel61)]
    [InlineData(Kernel612)]
    [InlineData(Kernel73)]
    public void A_real_AA_pair_decides_nothing_and_never_exits_as_a_regression(string kernel)
    {
        var report = new MetricComparer().Compare([Capture(kernel, "contended")], [Capture(kernel, "contended-2")]);

        Assert.Empty(report.Metrics.Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved).Select(m => m.Metric));
        Assert.NotEqual(GateOutcome.Regression, report.Outcome);
    }

    [Theory]
    [InlineData(Kernel61)]
    [InlineData(Kernel612)]
    [InlineData(Kernel73)]
    public void Every_real_AA_ratio_is_at_most_half_the_allowance(string kernel)
    {
        // The table is twice the largest A/A ratio measured: re-measure each pair against it.
        var a = Capture(kernel, "contended");
        var b = Capture(kernel, "contended-2");
        var report = new MetricComparer().Compare([a], [b]);
        foreach (var row in report.Metrics.Where(m => m.Kind == MetricKind.Duration && m.Baseline > 0 && m.Candidate > 0))
        {
            var traits = MetricCatalog.Describe(row.Metric);
            if (traits.CountPath is not { } countPath || !a.TryGetNumber(countPath, out var countA) || !b.TryGetNumber(countPath, out var countB)
                || Math.Min(countA, countB) < new ComparisonOptions().MinimumSingleRunEvents)
            {
                continue;
            }

            var ratio = Math.Max(row.Candidate / row.Baseline, row.Baseline / row.Candidate);
            Assert.True(ratio <= RunToRunAllowances.Ratio(traits.Statistic) / 2, $"{kernel} {row.Metric}: A/A ratio {ratio}");
        }
    }

    [Theory]
    [InlineData("contended", "contended")]
    [InlineData("contended-2", "contended-2")]
    [InlineData("contended", "contended-2")]
    [InlineData("contended-2", "contended")]
    public void One_run_of_6_12_against_one_of_7_3_decides_the_install_tail_improved_and_nothing_regressed(string baseline, string candidate)
    {
        var report = new MetricComparer().Compare([Capture(Kernel612, baseline)], [Capture(Kernel73, candidate)]);

        var install = report.Metrics.Single(m => m.Metric == "pages.install_ns.p99");
        Assert.Equal(Verdict.Improved, install.Verdict);
        Assert.Equal(ComparisonMethod.BlockBootstrap, install.Method);
        Assert.True(install.RelativeInterval.Lower >= -1);
        Assert.DoesNotContain(report.Metrics, m => m.Verdict == Verdict.Regressed);
        Assert.NotEqual(Verdict.Regressed, report.Overall);
    }

    [Fact]
    public void The_issue_pair_reads_install_p99_24_1_ms_to_110_us_and_is_improved_overall()
    {
        // `bindertrace report --json` of the two contended captures gives pages.install_ns.p99 = 24061000 and 110000 ns.
        var report = new MetricComparer().Compare([Capture(Kernel612, "contended")], [Capture(Kernel73, "contended")]);

        var install = report.Metrics.Single(m => m.Metric == "pages.install_ns.p99");
        Assert.Equal("24.1 ms", MetricValueFormat.Value(install.Baseline, install.Kind));
        Assert.Equal("110 µs", MetricValueFormat.Value(install.Candidate, install.Kind));
        Assert.Equal(Verdict.Improved, report.Overall);
        Assert.Equal(GateOutcome.Pass, report.Outcome);
    }

    private static TraceMeasurement Capture(string kernel, string capture) => Captures[(kernel, capture)].Value;

    private static TraceMeasurement Load(string kernel, string capture)
    {
        using var source = TraceReader.Open(RepositoryPaths.SharedCapture(kernel, capture), new ParseOptions());
        return TraceMeasurementFactory.FromSource(source);
    }
}
