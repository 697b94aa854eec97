using System.CommandLine;
using BinderTrace.Cli.Rendering;
using BinderTrace.Comparison;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace compare --baseline A [A2 …] --candidate B [B2 …] [--json|--markdown] [--all] [--metrics GLOB[,GLOB]]</c>:
/// report metrics with baseline, candidate, change, interval, verdict and method (decided and headline ones unless --all). Inputs are traces or saved <c>report --json</c>
/// files. Exit 0 no regression, 1 regression, 125 inconclusive (collect more runs), 2 bad input.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var baseline = TracesOption("--baseline", "Baseline traces or report JSON files, one per run");
        var candidate = TracesOption("--candidate", "Candidate traces or report JSON files, one per run");
        var json = new Option<bool>("--json") { Description = "Machine-readable result" };
        var markdown = new Option<bool>("--markdown") { Description = "Markdown for a pull-request comment" };
        var threshold = new Option<string>("--threshold")
        {
            Description = "Smallest change that matters: \"5%\" (relative) or a number (absolute); default 5%",
        };
        var all = new Option<bool>("--all") { Description = "Show every metric, not only the decided and the headline ones" };
        var metrics = new Option<string>("--metrics")
        {
            Description = "Compare only these metrics (and let them decide the overall verdict): GLOB[,GLOB], e.g. \"pages.install_ns.*,*.p99\"",
        };
        var strict = CommonOptions.Strict();
        var proc = ReportCommand.ProcOption();
        var html = PictureOptions.Html("the comparison with run plots");
        var focus = new FocusOptions();
        var command = new Command("compare", "Compare allocator runs: change, confidence interval and verdict per metric")
        {
            baseline, candidate, json, markdown, threshold, all, metrics, strict, proc, html,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, output) =>
        {
            var options = new ComparisonOptions();
            if (parseResult.GetValue(threshold) is { } text)
            {
                options = Threshold.TryParse(text, out var parsed)
                    ? options with { PracticalThreshold = parsed }
                    : throw new UserErrorException($"--threshold: expected \"5%\" or a non-negative number, got \"{text}\"");
            }

            if (parseResult.GetValue(json) && parseResult.GetValue(markdown))
            {
                throw new UserErrorException("--json and --markdown exclude each other");
            }

            var format = parseResult.GetValue(json) ? ComparisonFormat.Json
                : parseResult.GetValue(markdown) ? ComparisonFormat.Markdown
                : ComparisonFormat.Text;
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var baselinePaths = Required(parseResult.GetValue(baseline), "--baseline");
            var candidatePaths = Required(parseResult.GetValue(candidate), "--candidate");
            var patterns = parseResult.GetValue(metrics);
            var chosen = patterns is null ? options : options with { MetricPatterns = MetricGlob.ParseList(patterns) };
            var layout = new ComparisonTextLayout(AllMetrics: parseResult.GetValue(all));
            return RunReportingInputErrors(() => PictureOptions.WithComparisonHtml(
                parseResult.GetValue(html), baselinePaths.Length, chosen, Loader(parse, Analysis(parseResult, proc, focus), interrupt),
                loader => OutcomeExitCodes.Of(ComparisonRunner.Compare(baselinePaths, candidatePaths, format, loader, output, chosen, layout)),
                interrupt));
        });
        return command;
    }

    internal static Option<string[]> TracesOption(string name, string description) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    internal static string[] Required(string[]? paths, string option) =>
        paths is { Length: > 0 } ? paths : throw new UserErrorException($"{option}: at least one trace or report file is required");

    /// <summary>
    /// Reads each path as a saved report (<c>*.json</c>) or analyses it as a trace; traces get a progress bar
    /// when they are large.
    /// </summary>
    internal static TraceMeasurementLoader Loader(ParseOptions options, AnalysisOptions analysis, CancellationToken interrupt) => path =>
    {
        if (ReportFileLoader.IsReportPath(path))
        {
            return analysis.Proc is null && analysis.Focus is null or { IsEverything: true }
                ? ReportFileLoader.Load(path)
                : throw new UserErrorException($"{path}: a saved report cannot be narrowed again; --proc, --window and --phase apply to traces (or save the report with them)");
        }

        return ProgressDisplay.Run([path], progress =>
        {
            using var pass = TraceInput.Open(path, options, progress, interrupt, analysis.StreamFocus);
            var measurement = new TraceMeasurementCollector(analysis);
            pass.Run([measurement], interrupt);
            return measurement.Measurement!;
        });
    };

    /// <summary>The same process, window and phase on every run of both sides; a phase as <c>report --phase</c> gives it (from the whole trace's records).</summary>
    internal static AnalysisOptions Analysis(ParseResult parseResult, Option<int?> proc, FocusOptions focus)
    {
        var traceFocus = focus.Read(parseResult);
        return new() { Proc = parseResult.GetValue(proc), Focus = traceFocus, Phase = traceFocus?.Phase };
    }

    /// <summary>The comparison layer's input errors are the user's: one line, exit 2.</summary>
    internal static ExitCode RunReportingInputErrors(Func<ExitCode> body)
    {
        try
        {
            return body();
        }
        catch (Exception exception) when (exception is ComparisonInputException or GateConfigException)
        {
            throw new UserErrorException(exception.Message, exception);
        }
    }
}
