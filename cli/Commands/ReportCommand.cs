using System.CommandLine;
using System.Text.Json;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace report TRACE... [--json] [--proc PID] [--strict]</c>: the one-screen analysis (pages, mmap_lock,
/// blockers, transactions, allocator design, data quality). The model and both renderings live in
/// BinderTrace.Analysis.Reporting; this file only wires options to them.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var traces = new Argument<string[]>("trace")
        {
            Description = "Trace files (ftrace text, trace-cmd report, atrace, systrace HTML; gzip allowed) or - for stdin",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per trace (an array for several)" };
        var proc = ProcOption();
        var strict = CommonOptions.Strict();
        var focus = new FocusOptions();
        var html = PictureOptions.Html("the report with its pictures");
        var command = new Command("report", "Page installs, LRU, reclaims, mmap_lock waits and holds, binder's share, transactions and allocator design")
        {
            traces, json, proc, strict, html,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, output) =>
        {
            var paths = parseResult.GetRequiredValue(traces);
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var traceFocus = focus.Read(parseResult);
            var analysis = new AnalysisOptions { Proc = parseResult.GetValue(proc), Focus = traceFocus, Phase = traceFocus?.Phase, PhaseBreakdown = true };
            var htmlPath = parseResult.GetValue(html);
            if (htmlPath is not null && paths.Length != 1)
            {
                throw new UserErrorException("--html draws one trace; give exactly one");
            }

            var reports = ProgressDisplay.Run(paths, progress => paths.Select(path => htmlPath is null
                ? Analyze(path, parse, analysis, progress, interrupt)
                : PictureOptions.AnalyzeAndDraw(path, parse, analysis, htmlPath, progress, interrupt)).ToList());
            if (parseResult.GetValue(json))
            {
                WriteJson(output, reports);
            }
            else
            {
                for (var i = 0; i < reports.Count; i++)
                {
                    if (i > 0)
                    {
                        output.WriteLine();
                    }

                    TraceReportText.Write(output, reports[i]);
                }
            }

            return ExitCode.Ok;
        });
        return command;
    }

    /// <summary><c>--proc PID</c>, shared by every command that analyses traces.</summary>
    internal static Option<int?> ProcOption() => new("--proc")
    {
        Description = "Only this binder process (the proc= pid of binder events): its pages, its transactions, the mmap_lock of its mm",
    };

    /// <summary><c>--json</c> / <c>--csv</c> of the table commands; both at once is a usage error.</summary>
    internal static TableFormat TableFormatOf(bool json, bool csv) => (json, csv) switch
    {
        (true, true) => throw new UserErrorException("--json and --csv exclude each other"),
        (true, false) => TableFormat.Json,
        (false, true) => TableFormat.Csv,
        _ => TableFormat.Text,
    };

    private static TraceReport Analyze(string path, ParseOptions parse, AnalysisOptions analysis, ProgressDisplay progress, CancellationToken interrupt)
    {
        using var pass = TraceInput.Open(path, parse, progress, interrupt, analysis.StreamFocus);
        var analyzer = new TraceAnalyzer(analysis);
        pass.Run([analyzer], interrupt);
        return analyzer.Report!;
    }

    private static void WriteJson(TextWriter output, List<TraceReport> reports)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            if (reports.Count == 1)
            {
                TraceReportJson.Write(json, reports[0]);
            }
            else
            {
                json.WriteStartArray();
                foreach (var report in reports)
                {
                    TraceReportJson.Write(json, report);
                }

                json.WriteEndArray();
            }
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
