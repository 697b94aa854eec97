using BinderTrace.Cli.Rendering;
using BinderTrace.Comparison;

namespace BinderTrace.Cli.Commands;

internal enum ComparisonFormat
{
    Text,
    Json,
    Markdown,
}

/// <summary>
/// The bodies of <c>bindertrace compare</c> and <c>bindertrace gate</c> without a console: paths in, text out,
/// an outcome back (the command maps it to an exit code). Input problems throw <see cref="ComparisonInputException"/>
/// or <see cref="GateConfigException"/>.
/// </summary>
internal static class ComparisonRunner
{
    public static GateOutcome Compare(
        IReadOnlyList<string> baselinePaths, IReadOnlyList<string> candidatePaths, ComparisonFormat format,
        TraceMeasurementLoader loader, TextWriter output, ComparisonOptions? options = null, ComparisonTextLayout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(output);
        var (baseline, candidate) = LoadSides(baselinePaths, candidatePaths, loader);
        var report = new MetricComparer(options).Compare(baseline, candidate);
        IComparisonRenderer renderer = format switch
        {
            ComparisonFormat.Json => new ComparisonJsonRenderer(),
            ComparisonFormat.Markdown => new ComparisonMarkdownRenderer(),
            _ => new ComparisonTextRenderer(layout),
        };
        renderer.Write(output, report);
        return report.Outcome;
    }

    /// <summary>Evaluates the gate file; writes text (or Markdown) to <paramref name="output"/> and JUnit XML to <paramref name="junit"/> when given.</summary>
    public static GateOutcome Gate(
        string configPath, IReadOnlyList<string> baselinePaths, IReadOnlyList<string> candidatePaths, bool markdown,
        Stream? junit, TraceMeasurementLoader loader, TextWriter output, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(output);
        var config = GateConfig.Load(configPath);
        var (baseline, candidate) = LoadSides(baselinePaths, candidatePaths, loader);
        var report = GateEvaluator.Evaluate(config, baseline, candidate, options);
        if (markdown)
        {
            GateMarkdownRenderer.Write(output, report);
        }
        else
        {
            GateTextRenderer.Write(output, report);
        }

        if (junit is not null)
        {
            GateJUnitWriter.Write(junit, report);
        }

        return report.Outcome;
    }

    private static (List<TraceMeasurement> Baseline, List<TraceMeasurement> Candidate) LoadSides(
        IReadOnlyList<string> baselinePaths, IReadOnlyList<string> candidatePaths, TraceMeasurementLoader loader)
    {
        ArgumentNullException.ThrowIfNull(baselinePaths);
        ArgumentNullException.ThrowIfNull(candidatePaths);
        if (baselinePaths.Count == 0 || candidatePaths.Count == 0)
        {
            throw new ComparisonInputException("both --baseline and --candidate need at least one trace or report");
        }

        var sides = (baselinePaths.Select(p => loader(p)).ToList(), candidatePaths.Select(p => loader(p)).ToList());
        if (sides.Item1.Concat(sides.Item2).FirstOrDefault(m => m.Quality.EventsRead == 0) is { } empty)
        {
            // Nothing measured on one side makes every metric "changed" or "missing": that is bad input, not a verdict.
            throw new ComparisonInputException($"{empty.Source}: the trace holds no events, so there is nothing to compare");
        }

        return sides;
    }
}
