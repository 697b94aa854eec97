using System.Globalization;
using System.Text;
using System.Text.Json;
using BinderTrace.Comparison;

namespace BinderTrace.Cli.Rendering;

/// <summary>Writes a <see cref="ComparisonReport"/> in one format. All formats render the same model.</summary>
internal interface IComparisonRenderer
{
    void Write(TextWriter output, ComparisonReport report);
}

/// <summary>
/// The <c>compare --json</c> contract: <c>overall</c>, <c>overall_decided_by</c> (the metrics whose verdicts set it,
/// <see cref="OverallVerdict"/>), <c>baseline</c> / <c>candidate</c> sources, <c>options</c>,
/// <c>data_quality</c> and <c>metrics</c> (each with <c>metric</c>, <c>baseline</c>, <c>candidate</c>,
/// <c>change.absolute</c>, <c>change.relative</c>, <c>ci</c>, <c>relative_ci</c>, <c>p_value</c>, <c>verdict</c>,
/// <c>method</c>, <c>reason</c>). <c>p_value</c> is the Mann–Whitney p-value after Holm's correction for
/// several runs per side, null otherwise. Numbers that do not exist (NaN, infinite) are null.
/// </summary>
internal sealed class ComparisonJsonRenderer : IComparisonRenderer
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
        json.WriteString("overall", MetricValueFormat.VerdictKey(report.Overall));
        WriteStrings(json, "overall_decided_by", OverallVerdict.DecidingMetrics(report).Select(m => m.Metric));
        WriteStrings(json, "baseline", report.BaselineSources);
        WriteStrings(json, "candidate", report.CandidateSources);
        json.WriteStartObject("options");
        json.WriteNumber("alpha", report.Options.Alpha);
        json.WriteNumber("level", report.Options.Level);
        json.WriteString("practical_threshold", report.Options.PracticalThreshold.ToString());
        if (report.Options.RunToRunAllowance is { } uniform)
        {
            json.WriteNumber("run_to_run_allowance", uniform);
        }
        else
        {
            json.WriteNull("run_to_run_allowance");
        }

        json.WriteStartObject("run_to_run_allowance_ratios");
        json.WriteNumber("p50", RunToRunAllowances.Ratio(SampleStatistic.Median, report.Options));
        json.WriteNumber("p90", RunToRunAllowances.Ratio(SampleStatistic.P90, report.Options));
        json.WriteNumber("p99", RunToRunAllowances.Ratio(SampleStatistic.P99, report.Options));
        json.WriteNumber("total", RunToRunAllowances.Ratio(SampleStatistic.Total, report.Options));
        json.WriteEndObject();
        json.WriteNumber("minimum_single_run_events", report.Options.MinimumSingleRunEvents);
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
        json.WriteString("verdict", MetricValueFormat.VerdictKey(m.Verdict));
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
