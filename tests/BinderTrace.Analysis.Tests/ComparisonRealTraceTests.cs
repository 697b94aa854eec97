using System.Text;
using System.Text.Json;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Comparison;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Comparisons of the real captures in ../shared/traces. Expected directions come from the kernel sources as
/// summarised in KERNEL.md: 6.1.31+ installs pages inside <c>binder_update_page_range</c> under
/// <c>mmap_write_lock</c> (§2b; Debian's 6.1.0-56 is a 6.1.1xx stable kernel), while 6.14+ installs with
/// the per-VMA lock or <c>mmap_read_lock</c> and "never" takes the write lock on that path (§4). So binder's
/// mmap_lock write holds exist on 6.1 and vanish on 7.3 — a structural change one run of each must decide.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ComparisonRealTraceTests
{
    private static readonly Lazy<TraceMeasurement> RangeWrite = new(() => Load("6.1.0-56-amd64"));
    private static readonly Lazy<TraceMeasurement> PageConcurrent = new(() => Load("7.3.4+deb13-amd64"));

    [Fact]
    public void Binder_write_holds_vanish_from_6_1_to_7_3_and_that_is_an_improvement()
    {
        var report = new MetricComparer().Compare([RangeWrite.Value], [PageConcurrent.Value]);

        var count = report.Metrics.Single(m => m.Metric == "mmap_lock.binder.hold_ns.write.count");
        Assert.Equal(ComparisonMethod.Structural, count.Method);
        Assert.Equal(Verdict.Improved, count.Verdict);
        Assert.Equal(0, count.Candidate);
        Assert.DoesNotContain(report.Metrics, m => m.Metric.StartsWith("mmap_lock.binder.hold_ns.write", StringComparison.Ordinal) && m.Verdict == Verdict.Regressed);
    }

    [Fact]
    public void The_reverse_direction_fails_the_issue_example_gate()
    {
        var config = GateConfig.Parse(
            """{"gates": [{"metric": "mmap_lock.binder.hold_ns.write.p99", "max_increase": "10%"}, {"metric": "pages.reinstalls_after_reclaim", "max_increase": 50}]}""",
            "gates.json");

        var report = GateEvaluator.Evaluate(config, [PageConcurrent.Value], [RangeWrite.Value]);

        Assert.Equal(GateStatus.Fail, report.Gates[0].Status);
        Assert.Equal(GateOutcome.Regression, report.Outcome);
    }

    [Fact]
    public void A_capture_compared_with_itself_is_never_judged_changed()
    {
        var report = new MetricComparer().Compare([RangeWrite.Value], [RangeWrite.Value]);

        Assert.DoesNotContain(report.Metrics, m => m.Verdict is Verdict.Regressed or Verdict.Improved);
    }

    [Fact]
    public void Saved_report_documents_carry_the_data_quality_and_the_same_structural_verdict()
    {
        // What `report --json` prints, saved and read back: no samples, but the same numbers and counters.
        var saved6 = ReportFileLoader.Parse(ReportJson("6.1.0-56-amd64"), "6.1.json");
        var saved7 = ReportFileLoader.Parse(ReportJson("7.3.4+deb13-amd64"), "7.3.json");

        Assert.Equal(RangeWrite.Value.Quality.Issues(), saved6.Quality.Issues());
        Assert.NotEqual(TraceDataQuality.Unknown, saved6.Quality);
        var row = new MetricComparer().Compare([saved6], [saved7]).Metrics.Single(m => m.Metric == "mmap_lock.binder.hold_ns.write.count");
        Assert.Equal(Verdict.Improved, row.Verdict);
        Assert.Equal(ComparisonMethod.Structural, row.Method);
    }

    private static TraceMeasurement Load(string kernel)
    {
        using var source = TraceReader.Open(Contended(kernel), new ParseOptions());
        return TraceMeasurementFactory.FromSource(source);
    }

    private static string ReportJson(string kernel)
    {
        using var source = TraceReader.Open(Contended(kernel), new ParseOptions());
        var report = TraceAnalyzer.Analyze(source);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            TraceReportJson.Write(json, report);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Contended(string kernel) => Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, "contended"), "trace.txt.gz");
}
