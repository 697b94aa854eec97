using System.Text.Json.Nodes;
using BinderTrace.Comparison;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 13: <c>compare</c> and <c>gate</c> read a measured trace's metrics from its typed report, and a saved report
/// file by JSON path. On every shared capture, both inputs give every value under the same path in the same order,
/// so comparing a trace with its own saved <c>report --json</c> cannot see a difference the two readings made up.
/// </summary>
public sealed class ReportMetricsTests
{
    public static TheoryData<string, string> Captures()
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in new[] { "6.1.0-56-amd64", "6.12.107+deb13-amd64", "7.3.4+deb13-amd64" })
        {
            foreach (var capture in new[] { "light", "contended", "contended-2" })
            {
                data.Add(kernel, capture);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void The_typed_report_gives_the_values_report_json_prints(string kernel, string capture)
    {
        var path = RepositoryPaths.SharedCapture(kernel, capture);
        var printed = CliRun.Invoke("report", "--json", path);
        Assert.Equal(0, printed.ExitCode);
        var saved = ReportMetrics.FromDocument(JsonNode.Parse(printed.Output)!);

        var measured = Measure(path).Metrics;

        Assert.Equal(saved.Entries, measured.Entries);
    }

    /// <summary>So the equality above is not that of two empty readings: the report's metric families are there, with numbers.</summary>
    [Fact]
    public void The_typed_report_holds_the_metrics_compare_judges()
    {
        var measured = Measure(RepositoryPaths.SharedCapture("6.1.0-56-amd64", "contended"));
        var metrics = new MetricComparer().Compare([measured], [measured]).Metrics;

        Assert.True(metrics.Count > 100, $"{metrics.Count} metrics");
        Assert.All(metrics.Where(m => m.Kind != MetricKind.Label), m => Assert.True(double.IsFinite(m.Baseline), m.Metric));
        // zcat ../shared/traces/6.1.0-56-amd64/contended/trace.txt.gz | grep -c 'binder_transaction:' → 3693
        Assert.True(measured.TryGetNumber("transactions.count", out var transactions));
        Assert.Equal(3693, transactions);
        Assert.Equal("range-write", measured.GetText("fingerprint.design"));
        Assert.Equal("an object", measured.Metrics.DescribeNonNumber("mmap_lock.binder.hold_ns.write"));
        Assert.Equal("an array", measured.Metrics.DescribeNonNumber("pages.processes"));
        Assert.Null(measured.Metrics.DescribeNonNumber("mmap_lock.binder.hold_ns.write.p99"));
    }

    private static TraceMeasurement Measure(string path)
    {
        using var pass = TracePass.Open(path, new TracePassOptions());
        var collector = new TraceMeasurementCollector();
        pass.Run([collector]);
        return collector.Measurement!;
    }
}
