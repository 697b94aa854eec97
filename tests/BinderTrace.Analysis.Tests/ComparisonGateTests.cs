using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using BinderTrace.Cli.Commands;
using BinderTrace.Cli.Rendering;
using BinderTrace.Comparison;
using static BinderTrace.Tests.ComparisonTestReports;

namespace BinderTrace.Tests;

public sealed class ComparisonGateTests
{
    /// <summary>The form issue 5 requires to keep working.</summary>
    private const string IssueExample =
        """{"gates": [{"metric": "mmap_lock.binder.hold_ns.write.p99", "max_increase": "10%"}, {"metric": "pages.reinstalls_after_reclaim", "max_increase": 50}]}""";

    private static readonly ComparisonOptions Fast = new() { BootstrapResamples = 200 };

    [Fact]
    public void The_issue_example_parses_into_a_relative_and_an_absolute_gate()
    {
        var config = GateConfig.Parse(IssueExample, "gates.json");

        Assert.Equal(2, config.Gates.Count);
        Assert.Equal(Threshold.Relative(0.10), config.Gates[0].MaxIncrease);
        Assert.Equal(Threshold.Absolute(50), config.Gates[1].MaxIncrease);
        Assert.Null(config.Gates[1].MaxDecrease);
        Assert.Empty(config.Allowed);
    }

    [Fact]
    public void Richer_options_parse()
    {
        var config = GateConfig.Parse(
            """{"gates": [{"metric": "pages.installs", "max_increase": "10%", "max_decrease": "20%", "name": "installs"}], "allow_data_loss": true, "allow": ["truncated"], "alpha": 0.05, "run_to_run_allowance": "100%"}""",
            "g.json");

        Assert.Equal(new GateDefinition("pages.installs", Threshold.Relative(0.10), Threshold.Relative(0.20), "installs"), config.Gates[0]);
        Assert.Equal(new[] { DataQualityIssue.Truncated, DataQualityIssue.LostEvents }.Order(), config.Allowed.Order());
        Assert.Equal(0.05, config.Alpha);
        Assert.Equal(1.0, config.RunToRunAllowance);
    }

    [Theory]
    [InlineData("""{"gates": [""", "gates.json: not valid JSON at line 1")]
    [InlineData("""{"gates": [{"metric": "a.b", "max_increase": 1}], "alpha": 0.7}""", "gates.json: \"alpha\" must be a number between 0 and 0.5, got 0.7")]
    [InlineData("""{"gates": [{"metric": "a.b", "max_increase": 1}], "run_to_run_allowance": 2}""", "gates.json: \"run_to_run_allowance\" must be a percentage")]
    [InlineData("""{"gates": []}""", "gates.json: \"gates\" must be a non-empty array")]
    [InlineData("""{"gates": [{"metric": "pages.reclaims", "max_increase": true}]}""", "gates.json: gates[0] (metric \"pages.reclaims\"): \"max_increase\" must be")]
    [InlineData("""{"gates": [{"metric": "a.b", "max_increase": "5%"}, {"metric": "pages.reclaims", "max_increse": "5%"}]}""", "gates[1] (metric \"pages.reclaims\"): unknown key \"max_increse\"")]
    [InlineData("""{"gates": [{"metric": "pages.reclaims"}]}""", "gates[0] (metric \"pages.reclaims\"): needs \"max_increase\" and/or \"max_decrease\"")]
    [InlineData("""{"gates": [{"max_increase": "5%"}]}""", "gates.json: gates[0]: \"metric\" must be")]
    [InlineData("""{"gates": [{"metric": "a.b", "max_increase": "-5%"}]}""", "\"max_increase\" must be a non-negative number")]
    [InlineData("""{"gates": [{"metric": "a.b", "max_increase": 1}], "allow": ["lost"]}""", "gates.json: \"allow\" entry \"lost\" is not one of: empty, truncated")]
    [InlineData("""{"gate": []}""", "gates.json: top level: unknown key \"gate\"")]
    public void Config_errors_name_the_file_and_the_entry(string json, string expected)
    {
        var error = Assert.Throws<GateConfigException>(() => GateConfig.Parse(json, "gates.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_metric_no_report_has_is_a_config_error_naming_the_entry()
    {
        var config = GateConfig.Parse("""{"gates": [{"metric": "mmap_lock.binder.hold_ns.wrte.p99", "max_increase": "10%"}]}""", "g.json");

        var error = Assert.Throws<GateConfigException>(() =>
            GateEvaluator.Evaluate(config, [Measurement(Report(100, 5000))], [Measurement(Report(100, 5000))], Fast));

        Assert.Contains("g.json: gates[0] (metric \"mmap_lock.binder.hold_ns.wrte.p99\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_structural_regression_fails_the_gate_from_one_run()
    {
        var report = GateEvaluator.Evaluate(
            GateConfig.Parse(IssueExample, "gates.json"), [Measurement(Report(0, 0))], [Measurement(Report(1200, 5000))], Fast);

        Assert.Equal(GateStatus.Fail, report.Gates[0].Status);
        Assert.Equal(GateOutcome.Regression, report.Outcome);
    }

    [Fact]
    public void A_small_single_run_timing_change_is_inconclusive_exit_125()
    {
        // p99 5000 -> 5600 (+12 %): beyond the 10 % limit but inside the run-to-run allowance; reinstalls equal.
        var report = GateEvaluator.Evaluate(
            GateConfig.Parse(IssueExample, "gates.json"), [Measurement(Report(1000, 5000))], [Measurement(Report(1000, 5600))], Fast);

        Assert.Equal(GateStatus.Inconclusive, report.Gates[0].Status);
        Assert.Equal(GateStatus.Pass, report.Gates[1].Status);
        Assert.Equal(GateOutcome.Inconclusive, report.Outcome);
    }

    [Fact]
    public void Ten_runs_per_side_decide_pass_and_fail()
    {
        var config = GateConfig.Parse(IssueExample, "gates.json");
        var baseline = Runs("b", 100, 102, 98, 101, 99, 100, 103, 97, 101, 99);

        // +20 % with complete separation: beyond the 10 % limit; p = 2/184756, x2 after Holm over the two gates.
        Assert.Equal(GateOutcome.Regression, GateEvaluator.Evaluate(config, baseline, Runs("c", 120, 122, 118, 121, 119, 120, 123, 117, 121, 119), Fast).Outcome);

        // +5 % with complete separation: significant but within the 10 % limit.
        Assert.Equal(GateOutcome.Pass, GateEvaluator.Evaluate(config, baseline, Runs("c", 105, 107, 103, 106, 104, 105, 108, 102, 106, 104), Fast).Outcome);
    }

    [Fact]
    public void Five_runs_per_side_are_too_few_for_two_gates()
    {
        // 2/252 = 0.0079, x2 after Holm = 0.016 > 0.01; 0.01/2 >= 2/C(2n,n) first at n = 6 (2/924 = 0.0022).
        var report = GateEvaluator.Evaluate(
            GateConfig.Parse(IssueExample, "gates.json"), Runs("b", 100, 102, 98, 101, 99), Runs("c", 150, 152, 148, 151, 149), Fast);

        Assert.Equal(GateOutcome.Inconclusive, report.Outcome);
        Assert.Contains("at least 6 per side", report.Gates[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_limit_on_reinstalls_allows_an_increase_below_it()
    {
        // Ten runs per side, reinstalls 10..19 against 40..49: HL shift +30 <= 50 passes (significant, p = 2/184756);
        // against 200..209: +190 > 50 fails.
        var config = GateConfig.Parse("""{"gates": [{"metric": "pages.reinstalls_after_reclaim", "max_increase": 50}]}""", "g.json");
        var baseline = ReinstallRuns(10);
        Assert.Equal(GateOutcome.Pass, GateEvaluator.Evaluate(config, baseline, ReinstallRuns(40), Fast).Outcome);
        Assert.Equal(GateOutcome.Regression, GateEvaluator.Evaluate(config, baseline, ReinstallRuns(200), Fast).Outcome);
    }

    [Theory]
    [InlineData(10, 200, GateOutcome.Inconclusive)] // +190 > 50, but one run cannot decide a count
    [InlineData(10, 55, GateOutcome.Pass)] // +45: within the limit
    [InlineData(300, 100, GateOutcome.Pass)] // -200: undecidable, but a decrease is not the regression this gate asks about
    public void Single_run_count_gates(long baseline, long candidate, GateOutcome expected)
    {
        var config = GateConfig.Parse("""{"gates": [{"metric": "pages.reinstalls_after_reclaim", "max_increase": 50}]}""", "g.json");
        var report = GateEvaluator.Evaluate(config, [Measurement(Report(1000, 5000, reinstalls: baseline))], [Measurement(Report(1000, 5000, reinstalls: candidate))], Fast);
        Assert.Equal(expected, report.Outcome);
    }

    [Fact]
    public void Max_decrease_guards_a_metric_that_should_not_drop()
    {
        // Installs 5000 in every baseline run, 1000..1009 in the candidate runs: complete separation, -80 %.
        var config = GateConfig.Parse("""{"gates": [{"metric": "pages.installs", "max_decrease": "10%"}]}""", "g.json");
        var baseline = Enumerable.Range(0, 10).Select(_ => Measurement(Report(1000, 5000))).ToList();
        var candidate = Enumerable.Range(0, 10)
            .Select(i => Measurement(new JsonObject { ["pages"] = new JsonObject { ["installs"] = 1000 + i, ["reinstalls_after_reclaim"] = 10 } }))
            .ToList();

        Assert.Equal(GateOutcome.Regression, GateEvaluator.Evaluate(config, baseline, candidate, Fast).Outcome);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("lost_events")]
    [InlineData("empty")]
    [InlineData("unparsed_lines")]
    public void Data_quality_problems_fail_even_when_every_metric_passes(string problem)
    {
        var quality = problem switch
        {
            "truncated" => Clean with { Truncated = true },
            "lost_events" => Clean with { LostEvents = 1234, LostEventMarkers = 2 },
            "empty" => Clean with { EventsRead = 0 },
            _ => Clean with { UnparsedLines = 7 },
        };
        var config = GateConfig.Parse(IssueExample, "gates.json");
        var same = Report(1000, 5000);

        var report = GateEvaluator.Evaluate(config, [Measurement(same)], [Measurement(same, "cand.txt", quality)], Fast);

        Assert.Equal(GateStatus.Pass, report.Gates[0].Status);
        Assert.Equal(GateStatus.Fail, report.DataQuality.Status);
        Assert.Contains("candidate cand.txt", report.DataQuality.Message, StringComparison.Ordinal);
        Assert.Equal(GateOutcome.DataQualityRefused, report.Outcome);

        var allowing = GateConfig.Parse(IssueExample.TrimEnd('}') + $", \"allow\": [\"{problem}\"]}}", "gates.json");
        Assert.Equal(GateOutcome.Pass, GateEvaluator.Evaluate(allowing, [Measurement(same)], [Measurement(same, "cand.txt", quality)], Fast).Outcome);
    }

    [Fact]
    public void A_report_without_data_quality_counters_is_refused_when_loaded()
    {
        var same = Report(1000, 5000);

        // Issue 12 item 7: a document missing what every report has is not a report; it never reaches a gate.
        var error = Assert.Throws<ComparisonInputException>(() => ReportFileLoader.Parse(same.ToJsonString(), "a.json"));

        Assert.Contains("a.json: not a valid report document at $", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JUnit_report_is_well_formed_with_one_case_per_gate_and_the_right_counts()
    {
        var config = GateConfig.Parse(
            """{"gates": [{"metric": "mmap_lock.binder.hold_ns.write.count", "max_increase": "10%", "name": "binder <write> holds"}, {"metric": "mmap_lock.binder.hold_ns.write.p99", "max_increase": "10%"}, {"metric": "pages.reinstalls_after_reclaim", "max_increase": 50}]}""",
            "gates.json");
        // Binder write holds 0 -> 1200: the count gate fails (structural), p99 fails too; reinstalls pass.
        var report = GateEvaluator.Evaluate(config, [Measurement(Report(0, 0))], [Measurement(Report(1200, 5000))], Fast);
        using var output = new MemoryStream();

        GateJUnitWriter.Write(output, report);

        // The declaration must match the bytes: UTF-8, no byte-order mark.
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
        var xml = XDocument.Load(new MemoryStream(output.ToArray()));
        var suite = xml.Root!.Element("testsuite")!;
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(4, cases.Count); // 3 gates + data quality
        Assert.Equal("4", suite.Attribute("tests")!.Value);
        Assert.Equal("2", suite.Attribute("failures")!.Value);
        Assert.Equal("0", suite.Attribute("skipped")!.Value);
        Assert.Equal(2, cases.Count(c => c.Element("failure") is not null));
        Assert.Contains(cases, c => c.Attribute("name")!.Value == "binder <write> holds" && c.Element("failure") is not null);
        Assert.Contains(cases, c => c.Attribute("name")!.Value == GateEvaluator.DataQualityCaseName && c.Element("failure") is null);
    }

    [Fact]
    public void JUnit_marks_inconclusive_gates_skipped()
    {
        var config = GateConfig.Parse(IssueExample, "gates.json");
        var report = GateEvaluator.Evaluate(config, [Measurement(Report(1000, 5000))], [Measurement(Report(1000, 5600))], Fast);
        using var output = new MemoryStream();

        GateJUnitWriter.Write(output, report);

        var suite = XDocument.Load(new MemoryStream(output.ToArray())).Root!.Element("testsuite")!;
        Assert.Equal("1", suite.Attribute("skipped")!.Value);
        Assert.Single(suite.Elements("testcase"), c => c.Element("skipped") is not null);
    }

    [Fact]
    public void Runner_loads_paths_through_the_loader_and_returns_the_exit_code_and_markdown()
    {
        var directory = Directory.CreateTempSubdirectory("bt-compare-");
        try
        {
            var configPath = Path.Combine(directory.FullName, "gates.json");
            File.WriteAllText(configPath, IssueExample);
            var reports = new Dictionary<string, TraceMeasurement>
            {
                ["base.txt"] = Measurement(Report(0, 0), "base.txt"),
                ["cand.txt"] = Measurement(Report(1200, 5000), "cand.txt"),
            };
            var output = new StringWriter();
            using var junit = new MemoryStream();

            var outcome = ComparisonRunner.Gate(configPath, ["base.txt"], ["cand.txt"], markdown: true, junit, path => reports[path], output, Fast);

            Assert.Equal(GateOutcome.Regression, outcome);
            Assert.StartsWith("### BinderTrace gate: **fail**", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("| mmap_lock.binder.hold_ns.write.p99 | FAIL |", output.ToString(), StringComparison.Ordinal);
            Assert.Equal("testsuites", XDocument.Load(new MemoryStream(junit.ToArray())).Root!.Name.LocalName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static List<TraceMeasurement> ReinstallRuns(int first) =>
        Enumerable.Range(first, 10).Select(r => Measurement(Report(1000, 5000, reinstalls: r))).ToList();

    [Fact]
    public void Runner_reports_an_unreadable_config_with_its_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), "bt-compare-no-such-dir", "gates.json");
        var error = Assert.Throws<GateConfigException>(() =>
            ComparisonRunner.Gate(missing, ["a"], ["b"], false, null, _ => throw new InvalidOperationException("not reached"), new StringWriter()));
        Assert.StartsWith(missing + ": cannot read the gate config", error.Message, StringComparison.Ordinal);
    }
}
