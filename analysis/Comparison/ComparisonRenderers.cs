using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BinderTrace.Analysis.Comparison;

/// <summary>Writes a <see cref="ComparisonReport"/> in one format. All formats render the same model.</summary>
public interface IComparisonRenderer
{
    void Write(TextWriter output, ComparisonReport report);
}

/// <summary>The terminal table: one line per metric, data-quality problems and the methods used underneath.</summary>
public sealed class ComparisonTextRenderer : IComparisonRenderer
{
    public void Write(TextWriter output, ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"baseline:  {string.Join(", ", report.BaselineSources)}");
        output.WriteLine($"candidate: {string.Join(", ", report.CandidateSources)}");
        output.WriteLine();
        var level = (report.Options.Level * 100).ToString("0.#", CultureInfo.InvariantCulture);
        string[] header = ["metric", "baseline", "candidate", "change", "relative", $"{level}% CI (relative)", "verdict", "method"];
        var rows = report.Metrics.Select(m => new[]
        {
            m.Metric,
            m.BaselineText ?? MetricValueFormat.Value(m.Baseline, m.Kind),
            m.CandidateText ?? MetricValueFormat.Value(m.Candidate, m.Kind),
            m.Kind == MetricKind.Label ? m.Reason : MetricValueFormat.Change(m.AbsoluteChange, m.Kind),
            m.Kind == MetricKind.Label ? "" : m.RelativeChange.ToString(),
            MetricValueFormat.RelativeInterval(m.RelativeInterval),
            MetricValueFormat.VerdictName(m.Verdict),
            MetricValueFormat.MethodName(m.Method),
        }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        WriteRow(output, header, widths);
        WriteRow(output, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            WriteRow(output, row, widths);
        }

        output.WriteLine();
        foreach (var problem in report.DataQuality)
        {
            output.WriteLine($"data quality ({problem.Side} {problem.Source}): {problem.Message}");
        }

        foreach (var method in report.Metrics.Select(m => m.Method).Distinct().Order())
        {
            output.WriteLine($"{MetricValueFormat.MethodName(method)}: {MetricValueFormat.MethodDescription(method, report.Options)}");
        }

        output.WriteLine();
        foreach (var m in report.Metrics.Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved))
        {
            output.WriteLine($"{m.Metric}: {MetricValueFormat.VerdictName(m.Verdict)} ({m.Reason})");
        }

        output.WriteLine($"overall: {MetricValueFormat.VerdictName(report.Overall)} ({MetricValueFormat.Tally(report)})");
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            if (i < cells.Length - 1)
            {
                line.Append("  ");
            }
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}

/// <summary>
/// The <c>compare --json</c> contract: <c>overall</c>, <c>baseline</c> / <c>candidate</c> sources, <c>options</c>,
/// <c>data_quality</c> and <c>metrics</c> (each with <c>metric</c>, <c>baseline</c>, <c>candidate</c>,
/// <c>change.absolute</c>, <c>change.relative</c>, <c>ci</c>, <c>relative_ci</c>, <c>p_value</c>, <c>verdict</c>,
/// <c>method</c>, <c>reason</c>). <c>p_value</c> is the Mann–Whitney p-value after Holm's correction for
/// several runs per side, null otherwise. Numbers that do not exist (NaN, infinite) are null.
/// </summary>
public sealed class ComparisonJsonRenderer : IComparisonRenderer
{
    public void Write(TextWriter output, ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(json, report);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static void Write(Utf8JsonWriter json, ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(report);
        json.WriteStartObject();
        json.WriteString("overall", Name(report.Overall));
        WriteStrings(json, "baseline", report.BaselineSources);
        WriteStrings(json, "candidate", report.CandidateSources);
        json.WriteStartObject("options");
        json.WriteNumber("alpha", report.Options.Alpha);
        json.WriteNumber("level", report.Options.Level);
        json.WriteString("practical_threshold", report.Options.PracticalThreshold.ToString());
        json.WriteNumber("run_to_run_allowance", report.Options.RunToRunAllowance);
        json.WriteNumber("minimum_structural_count", report.Options.MinimumStructuralCount);
        json.WriteNumber("bootstrap_resamples", report.Options.BootstrapResamples);
        json.WriteNumber("seed", report.Options.Seed);
        json.WriteEndObject();
        json.WriteStartArray("data_quality");
        foreach (var problem in report.DataQuality)
        {
            json.WriteStartObject();
            json.WriteString("side", problem.Side);
            json.WriteString("source", problem.Source);
            json.WriteString("issue", TraceDataQuality.ConfigName(problem.Issue));
            json.WriteString("message", problem.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("metrics");
        foreach (var m in report.Metrics)
        {
            WriteMetric(json, m);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string Name(Verdict verdict) => verdict switch
    {
        Verdict.NoChange => "no_change",
        Verdict.Improved => "improved",
        Verdict.Regressed => "regressed",
        Verdict.Inconclusive => "inconclusive",
        _ => "not_judged",
    };

    private static void WriteMetric(Utf8JsonWriter json, MetricComparison m)
    {
        json.WriteStartObject();
        json.WriteString("metric", m.Metric);
        json.WriteString("kind", m.Kind switch
        {
            MetricKind.Count => "count",
            MetricKind.Duration => "duration",
            MetricKind.DurationExtreme => "duration_extreme",
            _ => "label",
        });
        json.WriteString("direction", m.Direction switch
        {
            MetricDirection.LowerIsBetter => "lower_is_better",
            MetricDirection.HigherIsBetter => "higher_is_better",
            _ => "informational",
        });
        if (m.Kind == MetricKind.Label)
        {
            json.WriteString("baseline", m.BaselineText);
            json.WriteString("candidate", m.CandidateText);
        }
        else
        {
            Number(json, "baseline", m.Baseline);
            Number(json, "candidate", m.Candidate);
        }

        json.WriteNumber("baseline_runs", m.BaselineRuns);
        json.WriteNumber("candidate_runs", m.CandidateRuns);
        json.WriteStartObject("change");
        Number(json, "absolute", m.AbsoluteChange);
        Number(json, "relative", m.RelativeChange.Fraction);
        json.WriteEndObject();
        Interval(json, "ci", m.Interval);
        Interval(json, "relative_ci", m.RelativeInterval);
        Number(json, "p_value", m.PValue);
        json.WriteString("verdict", Name(m.Verdict));
        json.WriteString("method", m.Method switch
        {
            ComparisonMethod.MannWhitney => "mann_whitney",
            ComparisonMethod.BlockBootstrap => "block_bootstrap",
            ComparisonMethod.Structural => "structural",
            ComparisonMethod.SingleRunCount => "single_run_count",
            ComparisonMethod.PointEstimate => "point_estimate",
            ComparisonMethod.Identity => "identity",
            _ => "missing",
        });
        json.WriteString("reason", m.Reason);
        json.WriteEndObject();
    }

    private static void Interval(Utf8JsonWriter json, string name, ConfidenceInterval interval)
    {
        if (!interval.IsDefined)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        Number(json, "lower", interval.Lower);
        Number(json, "upper", interval.Upper);
        Number(json, "level", interval.Level);
        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
