using System.CommandLine;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Pictures.Timeline;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace timeline TRACE -o FILE [--exact-slices N] [--aggregate-bin DURATION] [--window W] [--phase P] [--proc PID] [--strict]</c>: the reconstructed mmap_lock holds and waits,
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
        var exact = new Option<long>("--exact-slices")
        {
            Description = "Slices drawn exactly before the rest is merged per track and time bin (keeps a long trace's file openable in Perfetto UI; use --window for an exact part)",
            DefaultValueFactory = _ => TimelineBudget.DefaultExactSlices,
        };
        var bin = new Option<string>("--aggregate-bin")
        {
            Description = "Time bin of the merged slices past --exact-slices, with a unit, e.g. 100ms",
            DefaultValueFactory = _ => "100ms",
        };
        var proc = ReportCommand.ProcOption();
        var focus = new FocusOptions();
        var strict = CommonOptions.Strict();
        var command = new Command("timeline", "Reconstructed lock holds/waits, page states and transactions as a trace Perfetto UI opens")
        {
            trace, output, exact, bin, proc, strict,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, console) =>
        {
            var path = parseResult.GetRequiredValue(trace);
            var target = parseResult.GetRequiredValue(output);
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var analysis = new AnalysisOptions { Proc = parseResult.GetValue(proc), Focus = focus.Read(parseResult) };
            var budget = Budget(parseResult.GetValue(exact), parseResult.GetRequiredValue(bin));
            var counts = ProgressDisplay.Run([path], progress =>
            {
                using var pass = TraceInput.Open(path, parse, progress, interrupt, analysis.Focus);
                return OutputFile.Write(
                    target,
                    file =>
                    {
                        using var timeline = new ChromeTraceWriter(file, analysis, budget);
                        pass.Run([timeline], interrupt);
                        return timeline.Counts!;
                    },
                    interrupt);
            });
            console.WriteLine(
                $"{target}: {counts.LockHolds} mmap_lock holds, {counts.LockWaits} waits, {counts.PageStates} page states, " +
                $"{counts.PageOperations} page operations, {counts.Transactions} transactions " +
                $"({counts.Calls} calls drawn to their reply's receipt, {counts.Replies} replies, {counts.OneWay} one-way)");
            if (counts.UnfinishedTransactions > 0)
            {
                console.WriteLine($"{counts.UnfinishedTransactions} transactions have no end in the trace (no reply or receipt): drawn to the trace's end (or their free), marked unfinished");
            }

            if (counts.UnmatchedOperations > 0)
            {
                console.WriteLine($"{counts.UnmatchedOperations} page operation starts or ends had no partner and are not drawn");
            }

            if (counts.AggregatedSlices > 0)
            {
                parseResult.InvocationConfiguration.Error.WriteLine(
                    $"{target}: past the first {budget.ExactSlices} slices (from the slice ending at {counts.AggregatedFromNs} ns on), " +
                    $"{counts.AggregatedSlices} slices are merged into {counts.Aggregates} aggregates, one per track and time bin of " +
                    $"{budget.BinNs} ns (args count, total_ns); the counts above include them. Use --window for exact slices of a part.");
            }

            return ExitCode.Ok;
        });
        return command;
    }

    private static TimelineBudget Budget(long exactSlices, string bin)
    {
        if (exactSlices < 0)
        {
            throw new UserErrorException("--exact-slices must be 0 or more");
        }

        try
        {
            var binNs = TimeWindow.ParseDuration(bin);
            return binNs > 0 ? new TimelineBudget(exactSlices, binNs) : throw new UserErrorException("--aggregate-bin must be longer than 0 ns");
        }
        catch (FormatException e)
        {
            throw new UserErrorException($"--aggregate-bin: {e.Message}", e);
        }
    }
}
