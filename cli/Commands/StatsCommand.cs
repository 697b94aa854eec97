using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BinderTrace.Analysis.Stats;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Pipeline;

namespace BinderTrace.Cli.Commands;

/// <summary><c>bindertrace stats TRACE... [--json] [--strict]</c>: what each trace contains and how clean it is.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var traces = new Argument<string[]>("trace")
        {
            Description = "Trace files (ftrace text, trace-cmd report, atrace, systrace HTML; gzip allowed) or - for stdin",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per trace (an array for several)" };
        var strict = CommonOptions.Strict();
        var proc = ReportCommand.ProcOption();
        var focus = new FocusOptions();
        var command = new Command("stats", "Count events, CPUs, tasks, lost events and unparsed lines per trace")
        {
            traces, json, strict, proc,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, output) =>
        {
            var paths = parseResult.GetRequiredValue(traces);
            var options = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var traceFocus = focus.Read(parseResult);
            var process = parseResult.GetValue(proc);
            var collected = ProgressDisplay.Run(paths, progress => paths.Select(path => Collect(path, options, traceFocus, process, progress, interrupt)).ToList());
            var results = collected.ConvertAll(c => c.Stats);
            if (parseResult.GetValue(json))
            {
                WriteJson(output, results);
                WriteAttribution(parseResult.InvocationConfiguration.Error, collected, process);
            }
            else
            {
                StatsTextRenderer.Write(output, results);
                WriteAttribution(output, collected, process);
            }

            return ExitCode.Ok;
        });
        return command;
    }

    /// <summary>With <paramref name="proc"/>, the events of that process as <see cref="ProcessEventFilter"/> attributes them.</summary>
    private static (TraceStatistics Stats, ProcessAttribution? Attribution) Collect(
        string path, ParseOptions options, TraceFocus focus, int? proc, ProgressDisplay progress, CancellationToken interrupt)
    {
        using var pass = TraceInput.Open(path, options, progress, interrupt, focus, readAhead: false);
        var stats = new TraceStatistics();
        if (proc is { } pid)
        {
            var process = new ProcessEventFilter(stats, pid);
            pass.Run([process], interrupt);
            return (stats, process.Attribution);
        }

        pass.Run([stats], interrupt);
        return (stats, null);
    }

    /// <summary>What <c>--proc</c> could not attribute, so that its counts are not read as complete when they are not.</summary>
    private static void WriteAttribution(TextWriter output, List<(TraceStatistics Stats, ProcessAttribution? Attribution)> collected, int? proc)
    {
        foreach (var (stats, attribution) in collected)
        {
            if (attribution is not { IsComplete: false } a)
            {
                continue;
            }

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{stats.Info.SourceName}: --proc {proc}: the trace has no TGID column; left out {a.LateEvents} events of {a.LateTasks} tasks that a binder event tied to the process only later, and {a.UnknownEvents} events of tasks it ties to no process"));
        }
    }

    private static void WriteJson(TextWriter output, List<TraceStatistics> results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            if (results.Count == 1)
            {
                TraceStatisticsJson.Write(json, results[0]);
            }
            else
            {
                json.WriteStartArray();
                foreach (var stats in results)
                {
                    TraceStatisticsJson.Write(json, stats);
                }

                json.WriteEndArray();
            }
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
