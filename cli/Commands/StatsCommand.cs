using System.CommandLine;
using System.Text.Json;
using BinderTrace.Analysis.Stats;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;
using BinderTrace.Focus;

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

        command.SetAction(parseResult => CommandRunner.Run(parseResult, output =>
        {
            var paths = parseResult.GetRequiredValue(traces);
            var options = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var traceFocus = focus.Read(parseResult);
            var process = parseResult.GetValue(proc);
            var results = ProgressDisplay.Run(paths, progress => paths.Select(path => Collect(path, options, traceFocus, process, progress)).ToList());
            if (parseResult.GetValue(json))
            {
                WriteJson(output, results);
            }
            else
            {
                StatsTextRenderer.Write(output, results);
            }

            return ExitCode.Ok;
        }));
        return command;
    }

    /// <summary>With <paramref name="proc"/>, the events of that process as <see cref="ProcessEventSource"/> defines them.</summary>
    private static TraceStatistics Collect(string path, ParseOptions options, TraceFocus focus, int? proc, ProgressDisplay progress)
    {
        using var source = TraceInput.OpenOnThisThread(path, options, progress, focus: focus);
        if (proc is { } pid)
        {
            using var process = new ProcessEventSource(source, pid);
            return TraceStatistics.Collect(process);
        }

        return TraceStatistics.Collect(source);
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
