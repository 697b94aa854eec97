using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BinderTrace.Cli.Commands;
using BinderTrace.Cli.Rendering;
using BinderTrace.Comparison;
using static BinderTrace.Tests.ComparisonTestReports;

namespace BinderTrace.Tests;

/// <summary>The three renderers draw the same model; these pin what each must contain.</summary>
public sealed class ComparisonRendererTests
{
    private static readonly ComparisonReport Structural = new MetricComparer(new ComparisonOptions { BootstrapResamples = 100 })
        .Compare([Measurement(Report(1200, 5_000), "range-write.txt")], [Measurement(Report(0, 0), "page-concurrent.txt", Clean with { Truncated = true })]);

    [Fact]
    public void Json_carries_every_metric_with_change_interval_verdict_and_method()
    {
        var output = new StringWriter();
        new ComparisonJsonRenderer().Write(output, Structural);

        var json = JsonNode.Parse(output.ToString())!;
        Assert.Equal("improved", (string?)json["overall"]);
        Assert.Equal("range-write.txt", (string?)json["baseline"]![0]);
        var row = json["metrics"]!.AsArray().Single(m => (string?)m!["metric"] == "mmap_lock.binder.hold_ns.write.count")!;
        Assert.Equal(1200, (double)row["baseline"]!);
        Assert.Equal(0, (double)row["candidate"]!);
        Assert.Equal(-1200, (double)row["change"]!["absolute"]!);
        Assert.Equal(-1.0, (double)row["change"]!["relative"]!);
        Assert.Equal("improved", (string?)row["verdict"]);
        Assert.Equal("structural", (string?)row["method"]);
        Assert.Null(row["ci"]);
        Assert.Equal("truncated", (string?)json["data_quality"]![0]!["issue"]);
        Assert.Equal(Structural.Metrics.Count, json["metrics"]!.AsArray().Count);
    }

    [Fact]
    public void Json_writes_nonexistent_numbers_as_null()
    {
        // 0 -> 1200: the relative change is infinite, which JSON cannot hold.
        var report = new MetricComparer().Compare([Measurement(Report(0, 0))], [Measurement(Report(1200, 5_000))]);
        var output = new StringWriter();
        new ComparisonJsonRenderer().Write(output, report);

        var row = JsonNode.Parse(output.ToString())!["metrics"]!.AsArray().Single(m => (string?)m!["metric"] == "mmap_lock.binder.hold_ns.write.count")!;
        Assert.Equal(JsonValueKind.Null, row["change"]!["relative"]?.GetValueKind() ?? JsonValueKind.Null);
    }

    [Fact]
    public void Markdown_leads_with_the_verdict_and_lists_judged_metrics_first()
    {
        var output = new StringWriter();
        new ComparisonMarkdownRenderer().Write(output, Structural);
        var text = output.ToString();

        Assert.StartsWith("### BinderTrace compare: **improved**", text, StringComparison.Ordinal);
        var firstTable = text.IndexOf("| `mmap_lock.binder.hold_ns.write.count` | 1200 | 0 | -1200 (-100.0 %) |", StringComparison.Ordinal);
        var details = text.IndexOf("<details>", StringComparison.Ordinal);
        Assert.InRange(firstTable, 0, details);
        Assert.Contains("- candidate `page-concurrent.txt`: trace is truncated", text, StringComparison.Ordinal);
        Assert.Contains("- structural: Structural: an event class present on one side", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_table_names_method_and_verdict_and_formats_durations()
    {
        var output = new StringWriter();
        new ComparisonTextRenderer().Write(output, Structural);
        var lines = output.ToString().Split('\n');

        // p99 of 5000 ns is printed as 5 µs; the change as -5 µs (-100.0 %).
        var p99 = lines.Single(l => l.StartsWith("mmap_lock.binder.hold_ns.write.p99 ", StringComparison.Ordinal));
        Assert.Contains("5 µs", p99, StringComparison.Ordinal);
        Assert.Contains("-100.0 %", p99, StringComparison.Ordinal);
        Assert.Contains("improved", p99, StringComparison.Ordinal);
        Assert.Contains("structural", p99, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("overall: improved", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("data quality (candidate page-concurrent.txt): trace is truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_does_not_depend_on_the_current_culture()
    {
        var invariant = Render(CultureInfo.InvariantCulture);
        // The process runs with InvariantGlobalization, so a comma-decimal culture is built by hand.
        var commaCulture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaCulture.NumberFormat.NumberDecimalSeparator = ",";
        commaCulture.NumberFormat.NumberGroupSeparator = ".";
        commaCulture.NumberFormat.PercentDecimalSeparator = ",";
        Assert.Equal(invariant, Render(commaCulture));
        Assert.Contains("-100.0 %", invariant, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_runner_renders_the_chosen_format_and_returns_the_exit_code()
    {
        var reports = new Dictionary<string, TraceMeasurement>
        {
            ["a.txt"] = Measurement(Report(1000, 5_000), "a.txt"),
            ["b.txt"] = Measurement(Report(1000, 5_000), "b.txt"),
            ["lossy.txt"] = Measurement(Report(1000, 5_000), "lossy.txt", Clean with { LostEvents = 10, LostEventMarkers = 1 }),
        };
        var output = new StringWriter();

        // Identical clean runs: nothing changed, exit 0.
        Assert.Equal(GateOutcome.Pass, ComparisonRunner.Compare(["a.txt"], ["b.txt"], ComparisonFormat.Json, path => reports[path], output));
        Assert.Equal("no_change", (string?)JsonNode.Parse(output.ToString())!["overall"]);

        // The same numbers from a trace that lost events cannot be trusted: inconclusive, exit 125.
        Assert.Equal(GateOutcome.Inconclusive, ComparisonRunner.Compare(["a.txt"], ["lossy.txt"], ComparisonFormat.Text, path => reports[path], new StringWriter()));
    }

    [Fact]
    public void Compare_runner_refuses_an_empty_side()
    {
        Assert.Throws<ComparisonInputException>(() =>
            ComparisonRunner.Compare([], ["b.txt"], ComparisonFormat.Text, _ => throw new InvalidOperationException("not reached"), new StringWriter()));
    }

    [Fact]
    public void A_report_file_that_is_not_json_names_the_file_and_line()
    {
        var error = Assert.Throws<ComparisonInputException>(() => ReportFileLoader.Parse("{\n  \"pages\": [1,\n", "saved.json"));
        Assert.StartsWith("saved.json: not a report document: invalid JSON (malformed, or a key given twice) at line", error.Message, StringComparison.Ordinal);
    }

    private static string Render(CultureInfo culture)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            var output = new StringWriter(CultureInfo.InvariantCulture);
            new ComparisonTextRenderer().Write(output, Structural);
            new ComparisonJsonRenderer().Write(output, Structural);
            new ComparisonMarkdownRenderer().Write(output, Structural);
            return output.ToString();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
