using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Signature;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Analysis.Reporting;

/// <summary>The statistics one report is built from: the whole trace's trackers, or one phase's records and counter differences.</summary>
internal sealed record ReportParts
{
    public required IEnumerable<ProcessPageStatistics> Pages { get; init; }

    /// <summary>Most pages installed and on the LRU at once over all processes.</summary>
    public required int PeakResident { get; init; }

    public required int PeakLru { get; init; }

    public required IEnumerable<MmLockStatistics> Mms { get; init; }

    public required IEnumerable<LockBlocker> Blockers { get; init; }

    public required IEnumerable<TaskLockUsage> TaskUsage { get; init; }

    public required TransactionStatistics Transactions { get; init; }

    /// <summary>Transactions per binder process they were sent to or from (every process, whatever the filter).</summary>
    public required IReadOnlyDictionary<int, long> TransactionsByProc { get; init; }

    public required IReadOnlyDictionary<int, string> Comms { get; init; }

    public required StructuralSignature Signature { get; init; }

    public required AnalysisCounters Counters { get; init; }

    public required IReadOnlyList<MarkerSnapshot> Markers { get; init; }

    public required IReadOnlyList<PhaseReport> Phases { get; init; }

    public required long Events { get; init; }

    public required long FirstTimestamp { get; init; }

    public required long LastTimestamp { get; init; }

    public required long PageRangeUpdates { get; init; }

    public required string? Focus { get; init; }
}

/// <summary>
/// Builds a <see cref="TraceReport"/> from <see cref="ReportParts"/>: the process filter, orderings, totals and top
/// lists, one code for the whole trace and for each phase, so the two cannot differ in form.
/// </summary>
internal static class ReportAssembly
{
    public static TraceReport Build(AnalysisOptions options, bool refuseUnknownProc, TraceSourceInfo info, TraceDiagnostics diagnostics, ReportParts parts)
    {
        var proc = options.Proc;
        var processes = BinderProcesses(parts);
        if (proc is { } wanted && refuseUnknownProc && !processes.Any(p => p.Proc == wanted))
        {
            throw new TraceFocusException(UnknownProcess(info.SourceName, wanted, processes));
        }

        var pagesByProc = parts.Pages
            .Where(p => proc is null || p.Proc == proc)
            .OrderBy(p => p.Proc)
            .ToList();
        var pageTotal = new ProcessPageStatistics(proc ?? -1);
        foreach (var p in pagesByProc)
        {
            pageTotal.Add(p);
        }

        pageTotal.PeakResident = proc is null ? parts.PeakResident : pagesByProc.Sum(p => p.PeakResident);
        pageTotal.PeakLru = proc is null ? parts.PeakLru : pagesByProc.Sum(p => p.PeakLru);

        var mms = parts.Mms
            .Where(m => proc is null || m.OwnerProc == proc)
            .OrderByDescending(m => m.BinderHoldNs(LockMode.Read).Count + m.BinderHoldNs(LockMode.Write).Count)
            .ThenByDescending(m => m.HoldNs(LockMode.Read).Total + m.HoldNs(LockMode.Write).Total)
            .ToList();
        var lockTotal = new MmLockStatistics(0);
        foreach (var m in mms)
        {
            lockTotal.Add(m);
        }

        var reportedMms = mms.Select(m => m.Mm).ToHashSet();
        var blockers = parts.Blockers
            .Where(b => reportedMms.Contains(b.Mm))
            .OrderByDescending(b => b.BlockedNs)
            .ThenBy(b => b.Pid)
            .Take(options.TopBlockers)
            .ToList();
        return new TraceReport
        {
            Source = info,
            Diagnostics = diagnostics,
            ProcFilter = proc,
            Focus = parts.Focus,
            Processes = processes,
            Phases = parts.Phases,
            Events = parts.Events,
            FirstTimestamp = parts.FirstTimestamp,
            LastTimestamp = parts.LastTimestamp,
            Pages = pageTotal,
            PagesByProcess = pagesByProc,
            Locks = lockTotal,
            LocksByMm = mms,
            TopBlockers = blockers,
            TopLockTasks = parts.TaskUsage
                .Where(u => reportedMms.Contains(u.Mm))
                .OrderByDescending(u => u.TotalHoldNs)
                .ThenBy(u => u.Pid)
                .Take(options.TopLockTasks)
                .ToList(),
            Transactions = parts.Transactions,
            Fingerprint = AllocatorDesignClassifier.Classify(parts.Signature),
            Counters = parts.Counters,
            Markers = parts.Markers,
            PageRangeUpdates = parts.PageRangeUpdates,
        };
    }

    private static List<BinderProcessSummary> BinderProcesses(ReportParts parts)
    {
        var pagesByProc = parts.Pages.ToDictionary(p => p.Proc);
        var procs = new SortedSet<int>(pagesByProc.Keys);
        procs.UnionWith(parts.Mms.Select(m => m.OwnerProc).Where(p => p >= 0));
        procs.UnionWith(parts.TransactionsByProc.Keys.Where(p => p > 0));
        return procs
            .Select(p =>
            {
                var mms = parts.Mms.Where(m => m.OwnerProc == p).ToList();
                return new BinderProcessSummary(
                    p,
                    parts.Comms.GetValueOrDefault(p, ""),
                    pagesByProc.TryGetValue(p, out var pages) ? pages.Installs : 0,
                    mms.Sum(m => m.HoldNs(LockMode.Read).Count + m.HoldNs(LockMode.Write).Count),
                    mms.Sum(m => m.BinderHoldNs(LockMode.Read).Count + m.BinderHoldNs(LockMode.Write).Count),
                    parts.TransactionsByProc.GetValueOrDefault(p));
            })
            .OrderByDescending(p => p.PageInstalls)
            .ThenByDescending(p => p.Transactions)
            .ThenBy(p => p.Proc)
            .ToList();
    }

    private static string UnknownProcess(string source, int proc, List<BinderProcessSummary> processes) => processes.Count == 0
        ? $"{source}: no binder process {proc}: the trace shows no binder process at all"
        : $"{source}: no binder process {proc}; its binder processes are (pid comm: page installs, mmap_lock holds on its mm, transactions):"
            + string.Concat(processes.Select(p => $"{Environment.NewLine}  {p.Proc} {(p.Comm.Length > 0 ? p.Comm : "?")}: {p.PageInstalls}, {p.MmapLockHolds}, {p.Transactions}"));
}
