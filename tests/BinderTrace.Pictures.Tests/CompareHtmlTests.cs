using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BinderTrace.Tests;

/// <summary><c>compare --html</c> against <c>compare --json</c> of the same inputs, on real captures (each compare analyses two contended traces and bootstraps: slow).</summary>
[Trait("Category", "Slow")]
public sealed partial class CompareHtmlTests(CaptureOutputs outputs) : IClassFixture<CaptureOutputs>
{
    private const string Kernel612 = "6.12.107+deb13-amd64";
    private const string Kernel73 = "7.3.4+deb13-amd64";

    public static TheoryData<string, string> Pairs => new()
    {
        { Kernel612, Kernel612 + "/contended-2" },
        { Kernel612, Kernel73 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Verdict_table_rows_are_compare_json_metrics(string baselineKernel, string candidate)
    {
        var (html, json) = Run(baselineKernel, candidate);
        var metrics = json.GetProperty("metrics").EnumerateArray().ToList();
        var rows = Rows(Table(html, "verdicts"));

        Assert.Equal(metrics.Count, rows.Count);
        for (var i = 0; i < metrics.Count; i++)
        {
            var m = metrics[i];
            Assert.Equal(m.GetProperty("metric").GetString(), rows[i].Metric);
            Assert.Equal(m.GetProperty("verdict").GetString(), rows[i].Verdict);
            if (m.GetProperty("kind").GetString() != "label")
            {
                Assert.Equal(Number(m.GetProperty("baseline")), rows[i].Baseline);
                Assert.Equal(Number(m.GetProperty("candidate")), rows[i].Candidate);
                var ci = m.GetProperty("ci");
                Assert.Equal(ci.ValueKind == JsonValueKind.Null ? null : Number(ci.GetProperty("lower")), rows[i].Lower);
                Assert.Equal(ci.ValueKind == JsonValueKind.Null ? null : Number(ci.GetProperty("upper")), rows[i].Upper);
            }
        }

        Assert.Contains($"data-verdict=\"{json.GetProperty("overall").GetString()}\"", html);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Structural_changes_come_first_and_every_decided_metric_has_a_plot(string baselineKernel, string candidate)
    {
        var (html, json) = Run(baselineKernel, candidate);
        var metrics = json.GetProperty("metrics").EnumerateArray().ToList();
        var structural = metrics
            .Where(m => m.GetProperty("method").GetString() == "structural"
                || (m.GetProperty("kind").GetString() == "label" && m.GetProperty("baseline").GetString() != m.GetProperty("candidate").GetString()))
            .Select(m => m.GetProperty("metric").GetString()!)
            .ToList();
        string[] judgedMethods = ["mann_whitney", "block_bootstrap", "structural", "point_estimate"];
        var decided = metrics
            .Where(m => m.GetProperty("kind").GetString() != "label"
                && m.GetProperty("verdict").GetString() is "improved" or "regressed" or "no_change"
                && judgedMethods.Contains(m.GetProperty("method").GetString()))
            .Select(m => m.GetProperty("metric").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(html.IndexOf("Structural changes", StringComparison.Ordinal) < html.IndexOf("<h2>Verdicts", StringComparison.Ordinal));
        Assert.Equal(structural, structural.Count == 0 ? [] : Rows(Table(html, "structural")).Select(r => r.Metric).ToList());
        Assert.Equal(decided, Plots().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["metric"].Value)).Order(StringComparer.Ordinal).ToList());
        // Two runs of one kernel (an A/A pair) must decide nothing (docs/comparison-calibration.md); another kernel must.
        if (candidate.StartsWith(baselineKernel, StringComparison.Ordinal))
        {
            Assert.Empty(decided);
        }
        else
        {
            Assert.NotEmpty(decided);
        }
    }

    [Fact]
    public void Different_kernels_show_the_design_change_as_structural()
    {
        var (html, _) = Run(Kernel612, Kernel73);

        // 6.12 installs under the mmap write lock (page-write); 7.3 does not: traces/README.md.
        Assert.Contains("data-metric=\"fingerprint.design\"", Table(html, "structural"));
        Assert.DoesNotContain("structural-none", html);
    }

    private (string Html, JsonElement Json) Run(string baselineKernel, string candidate)
    {
        var baseline = CaptureOutputs.Capture(baselineKernel);
        var candidateTrace = candidate.Contains('/', StringComparison.Ordinal)
            ? CaptureOutputs.Capture(candidate.Split('/')[0], candidate.Split('/')[1])
            : CaptureOutputs.Capture(candidate);
        var html = File.ReadAllText(outputs.File(".html", "compare", "--baseline", baseline, "--candidate", candidateTrace, "--html", "{file}"));
        return (html, outputs.Json("compare", "--baseline", baseline, "--candidate", candidateTrace, "--json"));
    }

    private static string Table(string html, string id)
    {
        var start = html.IndexOf($"<table id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table {id}");
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static List<(string Metric, string Verdict, double? Baseline, double? Candidate, double? Lower, double? Upper)> Rows(string table) =>
        Row().Matches(table).Select(m => (
            WebUtility.HtmlDecode(m.Groups["metric"].Value), m.Groups["verdict"].Value, Parse(m.Groups["b"].Value),
            Parse(m.Groups["c"].Value), Parse(m.Groups["lo"].Value), Parse(m.Groups["hi"].Value))).ToList();

    private static double? Parse(string text) => text.Length == 0 ? null : double.Parse(text, CultureInfo.InvariantCulture);

    private static double? Number(JsonElement value) => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    [GeneratedRegex("<tr [^>]*data-metric=\"(?<metric>[^\"]+)\" data-verdict=\"(?<verdict>[^\"]+)\" data-baseline=\"(?<b>[^\"]*)\" data-candidate=\"(?<c>[^\"]*)\" data-ci-lower=\"(?<lo>[^\"]*)\" data-ci-upper=\"(?<hi>[^\"]*)\">")]
    private static partial Regex Row();

    [GeneratedRegex("<figure [^>]*data-metric=\"(?<metric>[^\"]+)\">")]
    private static partial Regex Plots();
}
