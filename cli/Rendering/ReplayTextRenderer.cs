using System.Globalization;
using BinderTrace.Allocator.Replay;
using BinderTrace.Analysis.Replay;
using BinderTrace.Analysis.Reporting;

namespace BinderTrace.Cli.Rendering;

/// <summary>
/// The replay's text output: one table of headline figures with the real trace as the first column and one column
/// per replayed design, then what was calibrated from the trace, what was assumed, and what was not replayed.
/// </summary>
internal static class ReplayTextRenderer
{
    public static void Write(TextWriter output, string path, TraceReport real, IReadOnlyList<TraceReport> replays, TraceWorkload workload)
    {
        var columns = new List<ReplayHeadlines> { ReplayHeadlines.From(real) };
        columns.AddRange(replays.Select(ReplayHeadlines.From));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {workload.Transactions} transactions, {workload.Threads.Count} threads, {workload.Processes.Count} binder processes, {workload.MmapHolds} non-binder mmap_lock holds, {workload.ShrinkerRuns.Count} shrinker passes"));
        output.WriteLine();
        var header = new List<string> { "metric", $"real ({columns[0].Design})" };
        header.AddRange(replays.Select(DesignOf));
        var rows = new List<string[]>
        {
            header.ToArray(),
            Row("fingerprint", columns, c => c.Design),
            Row("transactions", columns, c => Count(c.Transactions)),
            Row("page installs", columns, c => Count(c.PageInstalls)),
            Row("lru adds", columns, c => Count(c.LruAdds)),
            Row("reclaims", columns, c => Count(c.Reclaims)),
            Row("binder mmap write holds", columns, c => Count(c.BinderWriteHolds)),
            Row("install read fallbacks", columns, c => Count(c.InstallReadFallbacks)),
            Row("install p50", columns, c => Duration(c.InstallP50Ns)),
            Row("install p99", columns, c => Duration(c.InstallP99Ns)),
            Row("binder write hold p50", columns, c => Duration(c.BinderWriteHoldP50Ns)),
            Row("others blocked by binder", columns, c => Duration(c.OthersBlockedByBinderNs)),
        };
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        output.WriteLine();
        WriteNotes(output, workload);
    }

    /// <summary>Calibrated parameters, assumptions and what was left out.</summary>
    public static void WriteNotes(TextWriter output, TraceWorkload workload)
    {
        output.WriteLine(workload.Calibrated.Count == 0
            ? "calibrated from the trace: nothing (no bracket to measure); every cost is the simulator's default"
            : $"calibrated from the trace (own design {workload.TraceDesign ?? "unknown"}); other costs keep the simulator's defaults:");
        foreach (var c in workload.Calibrated)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Parameter} {(c.Applied ? "=" : "measured")} {c.ValueNs} ns  ({c.Source})"));
        }

        var s = workload.Stalls;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"senders' waits before their allocation (binder_transaction to the first allocator step): {s.Sends} sends, {s.WaitNs} ns; lock waits left to the simulator ({s.Method}) {s.LockExplainedNs} ns; CPU wait after those wake-ups, replayed on the mutex wake {s.LockWakeNs} ns; replayed as stalls (less the plain-send median {s.BaselineNs} ns) {s.ReplayedNs} ns in {s.Replayed} sends, {s.LongReplayed} over 1 ms"));
        output.WriteLine("not in the trace, assumed:");
        foreach (var a in workload.Assumptions)
        {
            output.WriteLine($"  {a}");
        }

        if (workload.NotReplayed.Count > 0)
        {
            output.WriteLine("not replayed:");
            foreach (var (reason, n) in workload.NotReplayed.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n} {reason}"));
            }
        }
    }

    private static string DesignOf(TraceReport replay) => replay.Source.SourceName.Split('/')[0].Replace("replay:", "", StringComparison.Ordinal);

    private static string[] Row(string name, List<ReplayHeadlines> columns, Func<ReplayHeadlines, string> cell) =>
        [name, .. columns.Select(cell)];

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Duration(long ns) => ns < 0 ? "-" : TraceReportText.Duration(ns);
}
