using System.Globalization;
using System.Text;
using BinderTrace.Comparison;

namespace BinderTrace.Cli.Rendering;

/// <summary>How the terminal table is laid out: the widest line, and whether every metric is shown.</summary>
internal sealed record ComparisonTextLayout(int Width = ComparisonTextLayout.DefaultWidth, bool AllMetrics = false)
{
    public const int DefaultWidth = 120;

    /// <summary>Narrower than this, no table can hold a metric name and its verdict.</summary>
    public const int MinimumWidth = 60;
}

/// <summary>
/// The terminal table. Decided metrics come first (regressed, then improved), then the metrics that decide the
/// overall verdict (<see cref="OverallVerdict"/>); the rest only with <see cref="ComparisonTextLayout.AllMetrics"/>.
/// Every line fits <see cref="ComparisonTextLayout.Width"/>: columns empty in every shown row are dropped, then
/// the absolute change column, then the gaps narrow to one space, then the method column goes (the legend and
/// the reasons still name it), then long metric names are shortened in the middle; prose wraps.
/// </summary>
internal sealed class ComparisonTextRenderer(ComparisonTextLayout? layout = null) : IComparisonRenderer
{
    private const string WideGap = "  ";
    private const string NarrowGap = " ";

    private readonly ComparisonTextLayout _layout = layout ?? new ComparisonTextLayout();

    public void Write(TextWriter output, ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var width = Math.Max(_layout.Width, ComparisonTextLayout.MinimumWidth);
        TextWrap.WriteWrapped(output, $"baseline:  {string.Join(", ", report.BaselineSources)}", width, 11);
        TextWrap.WriteWrapped(output, $"candidate: {string.Join(", ", report.CandidateSources)}", width, 11);
        output.WriteLine();

        var deciding = OverallVerdict.DecidingMetrics(report).ToHashSet();
        var ordered = report.Metrics
            .Select((m, i) => (Metric: m, Index: i))
            .OrderBy(x => x.Metric.Verdict switch { Verdict.Regressed => 0, Verdict.Improved => 1, _ => deciding.Contains(x.Metric) ? 2 : 3 })
            .ThenBy(x => x.Index)
            .Select(x => x.Metric)
            .ToList();
        var shown = _layout.AllMetrics
            ? ordered
            : ordered.Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved || deciding.Contains(m)).ToList();
        WriteTable(output, report, shown, width);
        var hidden = report.Metrics.Count - shown.Count;
        if (hidden > 0)
        {
            TextWrap.WriteWrapped(output, $"({hidden} more metrics, none decided: {TallyOf(report.Metrics.Except(shown))}; --all shows them)", width, 1);
        }

        output.WriteLine();
        foreach (var problem in report.DataQuality)
        {
            TextWrap.WriteWrapped(output, $"data quality ({problem.Side} {problem.Source}): {problem.Message}", width, 2);
        }

        foreach (var method in shown.Select(m => m.Method).Distinct().Order())
        {
            TextWrap.WriteWrapped(output, $"{MetricValueFormat.MethodShortName(method)}: {MetricValueFormat.MethodDescription(method, report.Options)}", width, 2);
        }

        output.WriteLine();
        foreach (var m in ordered.Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved && deciding.Contains(m)))
        {
            TextWrap.WriteWrapped(output, $"{m.Metric}: {MetricValueFormat.VerdictName(m.Verdict)} ({m.Reason})", width, 2);
        }

        TextWrap.WriteWrapped(output, $"overall: {MetricValueFormat.VerdictName(report.Overall)}, decided by {DecidedByText(report, deciding.Count)} "
            + $"({MetricValueFormat.Tally(report)})", width, 2);
    }

    private static string DecidedByText(ComparisonReport report, int deciding) =>
        report.Options.MetricPatterns is not null ? $"the {deciding} chosen metrics"
        : deciding == report.Metrics.Count ? "all metrics (no headline metric present)"
        : $"the {deciding} headline metrics";

    private static string TallyOf(IEnumerable<MetricComparison> metrics) => string.Join(", ", metrics
        .GroupBy(m => m.Verdict)
        .OrderBy(g => g.Key)
        .Select(g => $"{g.Count()} {(g.Key == Verdict.NotJudged ? "not judged" : MetricValueFormat.VerdictName(g.Key))}"));

    private static void WriteTable(TextWriter output, ComparisonReport report, IReadOnlyList<MetricComparison> metrics, int width)
    {
        var level = (report.Options.Level * 100).ToString("0.#", CultureInfo.InvariantCulture);
        string[] header = ["metric", "baseline", "candidate", "change", "relative", $"{level}% CI (relative)", "verdict", "method"];
        var rows = metrics.Select(m => new[]
        {
            m.Metric,
            m.BaselineText ?? MetricValueFormat.Value(m.Baseline, m.Kind),
            m.CandidateText ?? MetricValueFormat.Value(m.Candidate, m.Kind),
            m.Kind == MetricKind.Label ? m.Reason : MetricValueFormat.Change(m.AbsoluteChange, m.Kind),
            m.Kind == MetricKind.Label ? "" : m.RelativeChange.ToString(),
            MetricValueFormat.RelativeInterval(m.RelativeInterval),
            MetricValueFormat.VerdictName(m.Verdict),
            MetricValueFormat.MethodShortName(m.Method),
        }).ToList();
        var columns = Enumerable.Range(0, header.Length).Where(i => i == 0 || rows.Any(r => r[i] is not ("" or "-"))).ToList();
        var gap = WideGap;
        int Width(int column) => rows.Select(r => r[column].Length).Append(header[column].Length).Max();
        int Total() => columns.Sum(Width) + gap.Length * (columns.Count - 1);
        if (Total() > width)
        {
            columns.Remove(3);
        }

        if (Total() > width)
        {
            gap = NarrowGap;
        }

        if (Total() > width)
        {
            columns.Remove(7);
        }

        var metricWidth = Math.Max(header[0].Length, Width(0) - Math.Max(0, Total() - width));
        var widths = columns.Select(c => c == 0 ? metricWidth : Width(c)).ToArray();
        WriteRow(output, columns.Select(c => header[c]).ToArray(), widths, gap);
        WriteRow(output, widths.Select(w => new string('-', w)).ToArray(), widths, gap);
        foreach (var row in rows)
        {
            var cells = columns.Select(c => c == 0 ? Shorten(row[0], metricWidth) : row[c]).ToArray();
            WriteRow(output, cells, widths, gap);
        }
    }

    /// <summary>Keeps both ends of a metric path (its family and its statistic) and drops the middle.</summary>
    private static string Shorten(string text, int width)
    {
        if (text.Length <= width)
        {
            return text;
        }

        var tail = (width - 1) / 2;
        return string.Concat(text.AsSpan(0, width - 1 - tail), "…", text.AsSpan(text.Length - tail));
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths, string gap)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            if (i < cells.Length - 1)
            {
                line.Append(gap);
            }
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}
