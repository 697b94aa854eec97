using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Comparison;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>Issue 13: one data-quality table; every counter a reader or the analysis fills has a severity and a description.</summary>
public sealed partial class DataQualityTableTests
{
    /// <summary>TraceDiagnostics' properties that are sizes of the input, not data-quality counters.</summary>
    private static readonly string[] InputSizes = ["LinesRead", "BytesRead", "EventsRead"];

    [Fact]
    public void Every_counter_has_a_unique_snake_case_name_a_severity_and_a_one_line_description()
    {
        Assert.Equal(DataQualityCounters.All.Count, DataQualityCounters.All.Select(c => c.Name).Distinct().Count());
        Assert.All(DataQualityCounters.All, c =>
        {
            Assert.Matches("^[a-z][a-z0-9_]*[a-z0-9]$", c.Name);
            Assert.True(Enum.IsDefined(c.Severity), c.Name);
            Assert.False(string.IsNullOrWhiteSpace(c.Description), c.Name);
            Assert.DoesNotContain('\n', c.Description);
        });
    }

    [Fact]
    public void Every_reader_counter_of_TraceDiagnostics_is_in_the_table_with_its_value()
    {
        // Each counting property gets a different value, so a row that read the wrong property shows.
        var diagnostics = new TraceDiagnostics { MalformedPayloads = 2, ReorderedEvents = 3, LateEvents = 4, LostDataBytes = 5, Truncated = true };
        diagnostics.AddUnparsedLine(1, 0, "test", "x");
        diagnostics.AddLostEvents(0, 7);
        diagnostics.AddLostEvents(1, -1);
        var expected = new Dictionary<string, long>
        {
            ["unparsed_lines"] = 1, ["malformed_payloads"] = 2, ["reordered_events"] = 3, ["late_events"] = 4, ["lost_data_bytes"] = 5,
            ["truncated"] = 1, ["lost_events"] = 7, ["lost_event_markers"] = 2, ["lost_event_markers_without_count"] = 1,
        };
        var counting = typeof(TraceDiagnostics).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(long) || (p.PropertyType == typeof(bool) && p.CanWrite))
            .Select(p => p.Name)
            .Except(InputSizes)
            .Select(SnakeCase)
            .Order()
            .ToList();

        var table = DataQualityTable.Of(diagnostics);

        Assert.Equal(expected.Keys.Order(), counting);
        Assert.Equal(expected.OrderBy(e => e.Key), table.Entries.Select(e => KeyValuePair.Create(e.Counter.Name, e.Value)).OrderBy(e => e.Key));
        Assert.All(table.Entries, e => Assert.Equal(DataQualitySource.Reader, e.Counter.Source));
    }

    [Fact]
    public void Every_counter_the_analysis_increments_is_in_the_catalogue()
    {
        // The names are string literals at the Increment and Expect calls, plus the page-operation edges the
        // page tracker builds from an event name (KERNEL.md §8's start/end pairs).
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var suffixes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "analysis"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Contains("Increment(", StringComparison.Ordinal) || l.Contains("Expect(ref", StringComparison.Ordinal)))
            {
                foreach (Match literal in Literal().Matches(line))
                {
                    (literal.Groups[1].Value.StartsWith('_') ? suffixes : names).Add(literal.Groups[1].Value);
                }
            }
        }

        EventKind[] starts = [EventKind.BinderAllocPageStart, EventKind.BinderAllocLruStart, EventKind.BinderFreeLruStart, EventKind.BinderUnmapUserStart, EventKind.BinderUnmapKernelStart];
        EventKind[] ends = [EventKind.BinderAllocPageEnd, EventKind.BinderAllocLruEnd, EventKind.BinderFreeLruEnd, EventKind.BinderUnmapUserEnd, EventKind.BinderUnmapKernelEnd];
        names.UnionWith(starts.Select(k => EventNames.Of(k) + "_without_end"));
        names.UnionWith(ends.Select(k => EventNames.Of(k) + "_without_start"));

        // 27 literal names today (grep -rhE 'Increment\(|Expect\(ref' analysis | grep -oE '"[a-z][a-z_]*"' | sort -u | wc -l)
        // and 10 edges: a scan that stopped seeing the calls cannot pass.
        Assert.True(names.Count >= 37, $"only {names.Count} counter names found: the scan no longer sees the Increment calls");
        Assert.Equal(["_without_end", "_without_start"], suffixes);
        Assert.All(names, name => Assert.True(DataQualityCounters.TryFind(name, out var counter) && counter.Source == DataQualitySource.Analysis, $"{name} is not an analysis counter of the catalogue"));
    }

    [Fact]
    public void The_gate_refuses_on_every_reader_counter_of_data_loss_or_error_severity_and_on_no_info_one()
    {
        foreach (var counter in DataQualityCounters.All.Where(c => c.Source == DataQualitySource.Reader))
        {
            var diagnostics = new TraceDiagnostics { EventsRead = 10 };
            switch (counter.Name)
            {
                case "unparsed_lines": diagnostics.AddUnparsedLine(3, 40, "test", "x"); break;
                case "malformed_payloads": diagnostics.MalformedPayloads = 1; break;
                case "late_events": diagnostics.LateEvents = 1; break;
                case "lost_events": diagnostics.AddLostEvents(0, 5); break;
                case "lost_event_markers" or "lost_event_markers_without_count": diagnostics.AddLostEvents(0, -1); break;
                case "lost_data_bytes": diagnostics.LostDataBytes = 4096; break;
                case "truncated": diagnostics.Truncated = true; break;
                case "reordered_events": diagnostics.ReorderedEvents = 2; break;
                default: throw new InvalidOperationException($"{counter.Name}: a new reader counter; say here how a reader fills it");
            }

            var issues = TraceDataQuality.FromDiagnostics(diagnostics).Issues();

            Assert.True(counter.Severity >= DataQualitySeverity.DataLoss == issues.Count > 0, $"{counter.Name} ({counter.Severity}): {issues.Count} issues");
        }
    }

    [Fact]
    public void Lost_binary_data_is_a_gate_issue_of_its_own_that_a_gate_file_can_allow()
    {
        var quality = TraceDataQuality.FromDiagnostics(new TraceDiagnostics { EventsRead = 10, LostDataBytes = 4096 });

        var issue = Assert.Single(quality.Issues());
        Assert.Equal(DataQualityIssue.LostData, issue.Issue);
        Assert.Equal("4096 bytes of binary trace data could not be decoded", issue.Message);
        Assert.True(TraceDataQuality.TryParseConfigName("lost_data_bytes", out var parsed));
        Assert.Equal(DataQualityIssue.LostData, parsed);
    }

    [Fact]
    public void A_name_outside_the_catalogue_is_refused_rather_than_shown_without_a_severity() =>
        Assert.Throws<KeyNotFoundException>(() => DataQualityTable.Of(new TraceDiagnostics(), [KeyValuePair.Create("not_a_counter", 1L)]));

    [Theory]
    [InlineData("6.1.0-56-amd64", "contended")]
    [InlineData("6.12.107+deb13-amd64", "contended")]
    [InlineData("7.3.4+deb13-amd64", "light")]
    public void A_saved_report_of_a_real_capture_carries_the_table_and_loads_as_the_same_comparison_input_as_the_trace(string kernel, string capture)
    {
        var path = RepositoryPaths.SharedCapture(kernel, capture);
        TraceReport report;
        TraceMeasurement fromTrace;
        using (var source = TraceReader.Open(path, ParseOptions.Default))
        {
            fromTrace = TraceMeasurementFactory.FromSource(source);
        }

        using (var source = TraceReader.Open(path, ParseOptions.Default))
        {
            report = TraceAnalyzer.Analyze(source);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            TraceReportJson.Write(json, report);
        }

        var saved = ReportFileLoader.Parse(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), "saved.json");

        // The table lists exactly the non-zero analysis counters, each once.
        var table = JsonDocument.Parse(buffer.ToArray()).RootElement.GetProperty("data_quality").GetProperty("table");
        var analysisRows = table.EnumerateArray().Where(r => r.GetProperty("source").GetString() == "analysis")
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("value").GetInt64());
        Assert.Equal(report.Counters.All.Where(c => c.Value != 0).OrderBy(c => c.Key, StringComparer.Ordinal), analysisRows.OrderBy(c => c.Key, StringComparer.Ordinal));

        // Every metric of the trace reads the same from the saved report, and so does its data quality.
        var metrics = fromTrace.Metrics.Entries.Where(e => e.Value.Kind != ReportValueKind.Other).Select(e => e.Path).ToList();
        Assert.True(metrics.Count > 100, $"{metrics.Count} metrics");
        Assert.All(metrics, m =>
        {
            Assert.Equal(fromTrace.TryGetNumber(m, out var expected), saved.TryGetNumber(m, out var actual));
            Assert.Equal(expected, actual);
            Assert.Equal(fromTrace.GetText(m), saved.GetText(m));
        });
        Assert.Equal(fromTrace.Quality with { InputDamage = null }, saved.Quality);
    }

    private static string SnakeCase(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    [GeneratedRegex("\"(_?[a-z][a-z_]*)\"")]
    private static partial Regex Literal();
}
