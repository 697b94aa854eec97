using System.CommandLine;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace locks TRACE [--waits|--blockers] [--json|--csv] [--proc PID] [--strict]</c>: one row per
/// mmap_lock hold (default), per wait, or per (wait, conflicting holder) pair, streamed as they close.
/// </summary>
internal static class LocksCommand
{
    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "Trace file or - for stdin" };
        var waits = new Option<bool>("--waits") { Description = "One row per wait (start_locking to acquire_returned) instead of per hold" };
        var blockers = new Option<bool>("--blockers") { Description = "One row per wait and each other task's conflicting hold that overlapped it" };
        var json = new Option<bool>("--json") { Description = "A JSON array of row objects" };
        var csv = new Option<bool>("--csv") { Description = "CSV with a header line" };
        var proc = ReportCommand.ProcOption();
        var strict = CommonOptions.Strict();
        var focus = new FocusOptions();
        var command = new Command("locks", "Per-hold mmap_lock table with binder attribution (or waits, or blockers)")
        {
            trace, waits, blockers, json, csv, proc, strict,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, output) =>
        {
            var path = parseResult.GetRequiredValue(trace);
            var format = ReportCommand.TableFormatOf(parseResult.GetValue(json), parseResult.GetValue(csv));
            var kind = (parseResult.GetValue(waits), parseResult.GetValue(blockers)) switch
            {
                (true, true) => throw new UserErrorException("--waits and --blockers exclude each other"),
                (true, false) => LockTableKind.Waits,
                (false, true) => LockTableKind.Blockers,
                _ => LockTableKind.Holds,
            };
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var traceFocus = focus.Read(parseResult);
            var analysis = new AnalysisOptions { Proc = parseResult.GetValue(proc), Focus = traceFocus };
            // Nothing is printed before the pass has matched something: its errors come alone.
            var held = new HeldBackWriter(output);
            using var table = new RowTableWriter(held, format, LockTableSink.ColumnsFor(kind));
            ProgressDisplay.Run([path], progress =>
            {
                using var pass = TraceInput.Open(path, parse, progress, interrupt, traceFocus);
                pass.Run([new TraceAnalyzer(analysis, new LockTableSink(table, kind))], interrupt);
                return 0;
            });
            table.Complete();
            held.Release();
            return ExitCode.Ok;
        });
        return command;
    }
}
