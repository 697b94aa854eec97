using System.Globalization;
using BinderTrace.Comparison;

namespace BinderTrace.Pictures.Html;

/// <summary>
/// <c>compare --html</c>: structural changes first, then the verdict table, then for each decided metric the
/// baseline and candidate runs as dots on one axis with the candidate's interval (baseline value + the change's
/// confidence interval). Every row carries the <c>compare --json</c> values in data attributes.
/// </summary>
public static class CompareHtmlWriter
{
    private const int Width = 520;
    private const int Height = 74;
    private const int Left = 80;
    private const int Right = 16;
    private const string BaselineColour = "#4e79a7";
    private const string CandidateColour = "#e15759";

    public static void Write(
        TextWriter output, ComparisonReport report, IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        HtmlPage.Begin(output, "BinderTrace comparison");
        output.Write($"<h1>BinderTrace comparison: <span id=\"overall\" data-verdict=\"{MetricValueFormat.VerdictKey(report.Overall)}\">{HtmlPage.Escape(MetricValueFormat.VerdictName(report.Overall))}</span></h1>");
        output.Write($"<p>{HtmlPage.Escape(MetricValueFormat.Tally(report))}. Baseline: {HtmlPage.Escape(string.Join(", ", report.BaselineSources))}. Candidate: {HtmlPage.Escape(string.Join(", ", report.CandidateSources))}.</p>");
        WriteStructural(output, report);
        WriteDataQuality(output, report);
        output.Write("<h2>Verdicts</h2>");
        WriteTable(output, report.Metrics, "verdicts");
        WritePlots(output, report, baseline, candidate);
        HtmlPage.End(output);
    }

    private static void WriteStructural(TextWriter output, ComparisonReport report)
    {
        var structural = report.Metrics
            .Where(m => m.Method == ComparisonMethod.Structural || (m.Kind == MetricKind.Label && m.BaselineText != m.CandidateText))
            .ToList();
        output.Write("<h2>Structural changes</h2>");
        if (structural.Count == 0)
        {
            output.Write("<p id=\"structural-none\">None: no event class appears or vanishes and the allocator design is the same.</p>");
            return;
        }

        WriteTable(output, structural, "structural");
    }

    private static void WriteDataQuality(TextWriter output, ComparisonReport report)
    {
        if (report.DataQuality.Count == 0)
        {
            return;
        }

        output.Write("<h2>Data-quality problems</h2><ul>");
        foreach (var p in report.DataQuality)
        {
            output.Write($"<li>{HtmlPage.Escape(p.Side)} {HtmlPage.Escape(p.Source)}: {HtmlPage.Escape(p.Message)}</li>");
        }

        output.Write("</ul>");
    }

    private static void WriteTable(TextWriter output, IEnumerable<MetricComparison> metrics, string id)
    {
        output.Write($"<table id=\"{id}\"><tr><th class=\"l\">metric</th><th>baseline</th><th>candidate</th><th>change</th><th>interval of the change</th><th class=\"l\">verdict</th><th class=\"l\">method</th><th class=\"l\">why</th></tr>");
        foreach (var m in metrics)
        {
            var verdict = MetricValueFormat.VerdictKey(m.Verdict);
            output.Write($"<tr class=\"{verdict.Replace('_', '-')}\" data-metric=\"{HtmlPage.Escape(m.Metric)}\" data-verdict=\"{verdict}\" data-baseline=\"{Raw(m.Baseline)}\" data-candidate=\"{Raw(m.Candidate)}\" data-ci-lower=\"{Raw(m.Interval.Lower)}\" data-ci-upper=\"{Raw(m.Interval.Upper)}\">");
            HtmlPage.TextCell(output, m.Metric);
            output.Write(m.Kind == MetricKind.Label
                ? $"<td class=\"l\">{HtmlPage.Escape(m.BaselineText ?? "")}</td><td class=\"l\">{HtmlPage.Escape(m.CandidateText ?? "")}</td><td></td><td></td>"
                : $"<td>{HtmlPage.Escape(MetricValueFormat.Value(m.Baseline, m.Kind))}</td><td>{HtmlPage.Escape(MetricValueFormat.Value(m.Candidate, m.Kind))}</td><td>{HtmlPage.Escape(m.RelativeChange.ToString())}</td><td>{HtmlPage.Escape(MetricValueFormat.RelativeInterval(m.RelativeInterval))}</td>");
            HtmlPage.TextCell(output, MetricValueFormat.VerdictName(m.Verdict));
            HtmlPage.TextCell(output, MetricValueFormat.MethodName(m.Method));
            HtmlPage.TextCell(output, m.Reason);
            output.Write("</tr>");
        }

        output.Write("</table>");
    }

    /// <summary>Decided metrics are those a test or rule judged on numbers: improved, regressed or no change by a real method.</summary>
    internal static bool IsDecided(MetricComparison m) =>
        m.Kind != MetricKind.Label
        && m.Verdict is Verdict.Improved or Verdict.Regressed or Verdict.NoChange
        && m.Method is ComparisonMethod.MannWhitney or ComparisonMethod.BlockBootstrap or ComparisonMethod.Structural or ComparisonMethod.PointEstimate;

    private static void WritePlots(
        TextWriter output, ComparisonReport report, IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate)
    {
        var decided = report.Metrics.Where(IsDecided)
            .OrderBy(m => m.Verdict switch { Verdict.Regressed => 0, Verdict.Improved => 1, _ => 2 })
            .ToList();
        output.Write("<h2>Decided metrics: runs and interval</h2>");
        output.Write($"<p class=\"note\">One dot per run (<span style=\"color:{BaselineColour}\">baseline</span> above, <span style=\"color:{CandidateColour}\">candidate</span> below); the bar on the candidate row is the baseline value plus the change's {HtmlPage.Number(report.Options.Level * 100)} % confidence interval, the tick the candidate value the verdict used. Hover for exact values.</p>");
        foreach (var m in decided)
        {
            WritePlot(output, m, RunValues(baseline, m.Metric), RunValues(candidate, m.Metric));
        }
    }

    private static List<double> RunValues(IReadOnlyList<TraceMeasurement> runs, string metric) =>
        runs.Select(r => r.TryGetNumber(metric, out var v) ? v : double.NaN).Where(double.IsFinite).ToList();

    private static void WritePlot(TextWriter output, MetricComparison m, List<double> baseRuns, List<double> candRuns)
    {
        var lower = m.Interval.IsDefined ? m.Baseline + m.Interval.Lower : double.NaN;
        var upper = m.Interval.IsDefined ? m.Baseline + m.Interval.Upper : double.NaN;
        var all = baseRuns.Concat(candRuns).Append(m.Baseline).Append(m.Candidate).Append(lower).Append(upper).Where(double.IsFinite).ToList();
        var lo = all.Min();
        var hi = all.Max();
        var pad = hi > lo ? (hi - lo) * 0.05 : Math.Max(1, Math.Abs(hi) * 0.05);
        (lo, hi) = (lo - pad, hi + pad);
        double X(double v) => Left + ((v - lo) / (hi - lo) * (Width - Left - Right));
        output.Write($"<figure style=\"display:inline-block;margin:4px 12px 4px 0\" data-metric=\"{HtmlPage.Escape(m.Metric)}\"><figcaption><b>{HtmlPage.Escape(m.Metric)}</b>: {HtmlPage.Escape(MetricValueFormat.VerdictName(m.Verdict))}</figcaption>");
        var frame = new ChartFrame(Width, Height, Left, Right);
        frame.Open(output, "runs");
        output.Write($"<text x=\"{Left - 6}\" y=\"22\" text-anchor=\"end\">baseline</text><text x=\"{Left - 6}\" y=\"46\" text-anchor=\"end\">candidate</text>");
        if (double.IsFinite(lower) && double.IsFinite(upper))
        {
            output.Write($"<rect class=\"ci\" x=\"{HtmlPage.Px(X(Math.Min(lower, upper)))}\" y=\"38\" width=\"{HtmlPage.Px(Math.Max(1, Math.Abs(X(upper) - X(lower))))}\" height=\"12\" fill=\"{CandidateColour}\" fill-opacity=\"0.2\" data-tip=\"interval {Raw(lower)} .. {Raw(upper)}\"/>");
        }

        foreach (var v in baseRuns)
        {
            output.Write($"<circle class=\"run baseline\" cx=\"{HtmlPage.Px(X(v))}\" cy=\"18\" r=\"4\" fill=\"{BaselineColour}\" data-value=\"{Raw(v)}\" data-tip=\"baseline run {Raw(v)}\"/>");
        }

        foreach (var v in candRuns)
        {
            output.Write($"<circle class=\"run candidate\" cx=\"{HtmlPage.Px(X(v))}\" cy=\"44\" r=\"4\" fill=\"{CandidateColour}\" data-value=\"{Raw(v)}\" data-tip=\"candidate run {Raw(v)}\"/>");
        }

        output.Write($"<line x1=\"{HtmlPage.Px(X(m.Baseline))}\" x2=\"{HtmlPage.Px(X(m.Baseline))}\" y1=\"8\" y2=\"28\" stroke=\"{BaselineColour}\"/><line x1=\"{HtmlPage.Px(X(m.Candidate))}\" x2=\"{HtmlPage.Px(X(m.Candidate))}\" y1=\"34\" y2=\"54\" stroke=\"{CandidateColour}\"/>");
        frame.Axis(output, 58);
        frame.EndLabels(output, 70, HtmlPage.Escape(MetricValueFormat.Value(lo, m.Kind)), HtmlPage.Escape(MetricValueFormat.Value(hi, m.Kind)));
        output.Write("</svg></figure>\n");
    }

    /// <summary>Round-trip formatting, so tests compare the DOM with compare --json exactly.</summary>
    private static string Raw(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
