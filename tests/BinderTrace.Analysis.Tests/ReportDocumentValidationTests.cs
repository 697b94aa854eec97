using BinderTrace.Cli.Commands;
using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>Issue 12 item 7: a malformed report or gate never lets a gate pass; loading says which file and JSON path.</summary>
public class ReportDocumentValidationTests
{
    // The smallest document of the shape `report --json` writes (its sections, counts in them, a flag and a text).
    private const string Valid = """
        {"schema_version": 1, "source": "t.txt", "event_count": 12, "pages": {"installs": 5, "install_ns": {"count": 5, "p99": 3000, "exact": true}},
         "mmap_lock": {"hold_ns": {"write": {"count": 2, "p99": 1000}}}, "fingerprint": {"design": "page-write"},
         "data_quality": {"unparsed_lines": 0, "lost_events": 0, "truncated": false, "input_damage": null}}
        """;

    [Fact]
    public void A_well_formed_report_loads()
    {
        var measurement = ReportFileLoader.Parse(Valid, "r.json");

        Assert.Equal(12, measurement.Quality.EventsRead);
    }

    [Theory]
    [InlineData("{}", "r.json: not a valid report document at $: no \"event_count\"")]
    [InlineData("""{"events": {"binder_alloc_page_start": 96}, "lost_events": 0, "event_count": 96}""", "at $.pages: expected an object")]
    [InlineData("""{"gates": [{"metric": "pages.installs", "max_increase": "10%"}]}""", "at $: no \"event_count\"")]
    public void Documents_that_are_not_reports_are_refused(string json, string expected)
    {
        var error = Assert.Throws<ComparisonInputException>(() => ReportFileLoader.Parse(json, "r.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"pages\": {\"installs\": 5,", "\"pages\": \"many\", \"x\": {", "$.pages: expected an object")]
    [InlineData("\"installs\": 5", "\"installs\": -5", "$.pages.installs: expected a whole number")]
    [InlineData("\"installs\": 5", "\"installs\": \"5\"", "$.pages.installs: expected a whole number")]
    [InlineData("\"installs\": 5", "\"installs\": 5.5", "$.pages.installs: expected a whole number")]
    [InlineData("\"installs\": 5", "\"installs\": 1e400", "$.pages.installs: expected a whole number")]
    [InlineData("\"p99\": 1000", "\"p99\": 9223372036854775808", "$.mmap_lock.hold_ns.write.p99: expected a whole number")]
    [InlineData("\"exact\": true", "\"exact\": 1", "$.pages.install_ns.exact: expected true or false")]
    [InlineData("\"schema_version\": 1", "\"schema_version\": 2", "$.schema_version: schema version 2")]
    public void A_corrupted_value_is_refused_naming_its_json_path(string original, string corrupted, string expected)
    {
        Assert.Contains(original, Valid, StringComparison.Ordinal);
        var json = Valid.Replace(original, corrupted, StringComparison.Ordinal);

        var error = Assert.Throws<ComparisonInputException>(() => ReportFileLoader.Parse(json, "r.json"));

        Assert.Contains("r.json: not a valid report document at " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_given_twice_is_refused_as_invalid_json_not_a_crash()
    {
        // Found by the afl campaign (fuzz/crashes/report-json-afl-*): JsonObject threw ArgumentException when read.
        var json = Valid.Replace("\"count\": 5,", "\"count\": 5, \"count\": 6,", StringComparison.Ordinal);

        var error = Assert.Throws<ComparisonInputException>(() => ReportFileLoader.Parse(json, "r.json"));

        Assert.Contains("r.json: not a report document: invalid JSON (malformed, or a key given twice)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gate_file_with_a_key_given_twice_is_a_config_error()
    {
        Assert.Throws<GateConfigException>(() => GateConfig.Parse("""{"gates": [{"metric": "pages.installs", "metric": "x", "max_increase": 1}]}""", "gates.json"));
    }

    [Theory]
    [InlineData("mmap_lock.hold_ns.write", "not a number but an object")]
    [InlineData("fingerprint.design", "not a number but the value \"page-write\"")]
    public void A_gate_on_a_metric_that_is_not_a_number_is_a_config_error(string metric, string expected)
    {
        var config = GateConfig.Parse($$"""{"gates": [{"metric": "{{metric}}", "max_increase": "10%"}]}""", "gates.json");
        var report = ReportFileLoader.Parse(Valid, "r.json");

        var error = Assert.Throws<GateConfigException>(() => GateEvaluator.Evaluate(config, [report], [report]));

        Assert.Contains($"gates.json: gates[0] (metric \"{metric}\"): {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_without_events_on_one_side_of_a_comparison_is_an_input_error()
    {
        var empty = Valid.Replace("\"event_count\": 12", "\"event_count\": 0", StringComparison.Ordinal);
        TraceMeasurementLoader loader = path => ReportFileLoader.Parse(path == "empty.json" ? empty : Valid, path);

        var error = Assert.Throws<ComparisonInputException>(() =>
            ComparisonRunner.Compare(["full.json"], ["empty.json"], ComparisonFormat.Text, loader, TextWriter.Null));

        Assert.Contains("empty.json: the trace holds no events", error.Message, StringComparison.Ordinal);
    }
}
