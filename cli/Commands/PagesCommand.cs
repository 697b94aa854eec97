using System.CommandLine;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace pages TRACE [--intervals] [--json|--csv] [--proc PID] [--strict]</c>: one row per binder page
/// (its life in the trace), or with <c>--intervals</c> one row per FREE / ACTIVE / LRU interval, streamed.
/// </summary>
internal static class PagesCommand
{
    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "Trace file or - for stdin" };
        var intervals = new Option<bool>("--intervals") { Description = "One row per page state interval instead of one per page (-1 = beyond the trace)" };
        var json = new Option<bool>("--json") { Description = "A JSON array of row objects" };
        var csv = new Option<bool>("--csv") { Description = "CSV with a header line" };
        var proc = ReportCommand.ProcOption();
        var strict = CommonOptions.Strict();
        var focus = new FocusOptions();
        var command = new Command("pages", "Per-page table: installs, LRU moves, reclaims and time active / on the LRU")
        {
            trace, intervals, json, csv, proc, strict,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, output) =>
        {
            var path = parseResult.GetRequiredValue(trace);
            var format = ReportCommand.TableFormatOf(parseResult.GetValue(json), parseResult.GetValue(csv));
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var traceFocus = focus.Read(parseResult);
            var analysis = new AnalysisOptions { Proc = parseResult.GetValue(proc), Focus = traceFocus };
            var perInterval = parseResult.GetValue(intervals);
            // Nothing is printed before the pass has matched something: its errors come alone.
            var held = new HeldBackWriter(output);
            using var table = new RowTableWriter(held, format, perInterval ? PageTables.IntervalColumns : PageTables.SummaryColumns);
            ProgressDisplay.Run([path], progress =>
            {
                using var pass = TraceInput.Open(path, parse, progress, interrupt, traceFocus);
                var analyzer = new TraceAnalyzer(analysis, perInterval ? new PageIntervalTableSink(table) : null);
                pass.Run([analyzer], interrupt);
                if (!perInterval)
                {
                    PageTables.WriteSummaries(table, analyzer.PageSummaries);
                }

                return 0;
            });
            table.Complete();
            held.Release();
            return ExitCode.Ok;
        });
        return command;
    }
}
