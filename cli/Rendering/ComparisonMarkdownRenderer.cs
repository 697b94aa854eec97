using BinderTrace.Comparison;

namespace BinderTrace.Cli.Rendering;

/// <summary>
/// A pull-request comment: the overall verdict, a table of the metrics that were judged changed or
/// inconclusive, everything else folded in a details block, then data quality and the methods used.
/// </summary>
internal sealed class ComparisonMarkdownRenderer : IComparisonRenderer
{
    public void Write(TextWriter output, ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"### BinderTrace compare: **{MetricValueFormat.VerdictName(report.Overall)}**");
        output.WriteLine();
        output.WriteLine($"{report.BaselineSources.Count} baseline run(s) vs {report.CandidateSources.Count} candidate run(s).");
        output.WriteLine();
        var notable = report.Metrics.Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved or Verdict.Inconclusive)
            .OrderBy(m => m.Verdict switch { Verdict.Regressed => 0, Verdict.Improved => 1, _ => 2 })
            .ToList();
        if (notable.Count > 0)
        {
            WriteTable(output, notable);
        }
        else
        {
            output.WriteLine("No metric changed beyond its threshold.");
        }

        var rest = report.Metrics.Except(notable).ToList();
        if (rest.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"<details><summary>{rest.Count} other metrics</summary>");
            output.WriteLine();
            WriteTable(output, rest);
            output.WriteLine();
            output.WriteLine("</details>");
        }

        if (report.DataQuality.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("**Data quality**");
            output.WriteLine();
            foreach (var problem in report.DataQuality)
            {
                output.WriteLine($"- {problem.Side} `{Escape(problem.Source)}`: {Escape(problem.Message)}");
            }
        }

        output.WriteLine();
        output.WriteLine("**Methods**");
        output.WriteLine();
        foreach (var method in report.Metrics.Select(m => m.Method).Distinct().Order())
        {
            output.WriteLine($"- {MetricValueFormat.MethodName(method)}: {Escape(MetricValueFormat.MethodDescription(method, report.Options))}");
        }
    }

    private static void WriteTable(TextWriter output, IEnumerable<MetricComparison> metrics)
    {
        output.WriteLine("| metric | baseline | candidate | change | 95% CI | verdict | why |");
        output.WriteLine("|---|---:|---:|---:|---|---|---|");
        foreach (var m in metrics)
        {
            var change = m.Kind == MetricKind.Label ? "" : $"{MetricValueFormat.Change(m.AbsoluteChange, m.Kind)} ({m.RelativeChange})";
            output.WriteLine(
                $"| `{m.Metric}` | {Escape(m.BaselineText ?? MetricValueFormat.Value(m.Baseline, m.Kind))} | "
                + $"{Escape(m.CandidateText ?? MetricValueFormat.Value(m.Candidate, m.Kind))} | {change} | "
                + $"{MetricValueFormat.RelativeInterval(m.RelativeInterval)} | {MetricValueFormat.VerdictName(m.Verdict)} | {Escape(m.Reason)} |");
        }
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
