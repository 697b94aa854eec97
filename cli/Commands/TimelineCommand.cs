using System.CommandLine;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;
using BinderTrace.Pictures.Timeline;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace timeline TRACE -o FILE [--proc PID] [--strict]</c>: the reconstructed mmap_lock holds and waits,
/// page states and operations, and transactions as a Chrome JSON trace that Perfetto UI (ui.perfetto.dev) opens.
/// </summary>
internal static class TimelineCommand
{
    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "Trace file or - for stdin" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The timeline file to write (Chrome JSON trace-event format; open it in Perfetto UI)",
            Required = true,
        };
        var proc = ReportCommand.ProcOption();
        var strict = CommonOptions.Strict();
        var command = new Command("timeline", "Reconstructed lock holds/waits, page states and transactions as a trace Perfetto UI opens")
        {
            trace, output, proc, strict,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, console =>
        {
            var path = parseResult.GetRequiredValue(trace);
            var target = parseResult.GetRequiredValue(output);
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var analysis = new AnalysisOptions { Proc = parseResult.GetValue(proc) };
            var counts = ProgressDisplay.Run([path], progress =>
            {
                using var pass = TraceInput.Open(path, parse, progress);
                try
                {
                    using var file = File.Create(target);
                    using var timeline = new ChromeTraceWriter(file, analysis);
                    pass.Run([timeline]);
                    return timeline.Counts!;
                }
                catch
                {
                    // A half-written timeline would open in Perfetto as if the trace ended there.
                    File.Delete(target);
                    throw;
                }
            });
            console.WriteLine(
                $"{target}: {counts.LockHolds} mmap_lock holds, {counts.LockWaits} waits, {counts.PageStates} page states, " +
                $"{counts.PageOperations} page operations, {counts.Transactions} transactions");
            if (counts.UnmatchedOperations > 0)
            {
                console.WriteLine($"{counts.UnmatchedOperations} page operation starts or ends had no partner and are not drawn");
            }

            return ExitCode.Ok;
        }));
        return command;
    }
}
