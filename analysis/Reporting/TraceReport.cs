using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Reporting;

/// <summary>Active and LRU pages of one binder process at a <c>tracing_mark_write</c> marker.</summary>
public readonly record struct ProcessPageCount(int Proc, int Active, int Lru);

/// <summary>Page counts of every binder process when a user-space marker was written.</summary>
public sealed record MarkerSnapshot(long TimestampNs, string Text, IReadOnlyList<ProcessPageCount> Counts);

/// <summary>
/// One binder process of the trace (the <c>proc=</c> / <c>dest_proc=</c> pid of binder events): what <c>--proc</c>
/// can select. <see cref="Comm"/> is the name its main thread ran under, or of a thread that worked for it, or "".
/// </summary>
public sealed record BinderProcessSummary(int Proc, string Comm, long PageInstalls, long MmapLockHolds, long BinderHolds, long Transactions);

/// <summary>
/// Everything <c>bindertrace report</c> shows, built in one pass by <see cref="TraceAnalyzer"/>. With a process
/// filter, pages and transactions are that process's and mmap_lock numbers are those of the mm(s) its binder
/// pages live in (identified from binder page operations under the lock).
/// </summary>
public sealed class TraceReport
{
    public required TraceSourceInfo Source { get; init; }

    public required TraceDiagnostics Diagnostics { get; init; }

    public int? ProcFilter { get; init; }

    /// <summary>Every binder process of the trace, whatever the filter, most page installs first.</summary>
    public IReadOnlyList<BinderProcessSummary> Processes { get; init; } = [];

    /// <summary>The window or phase the events were restricted to, or null for the whole trace.</summary>
    public string? Focus { get; init; }

    /// <summary>Headline numbers of each marked phase (empty when the trace marks none).</summary>
    public IReadOnlyList<PhaseReport> Phases { get; init; } = [];

    public long Events { get; init; }

    /// <summary>First and last event timestamps, or -1 for an empty trace.</summary>
    public long FirstTimestamp { get; init; } = -1;

    public long LastTimestamp { get; init; } = -1;

    /// <summary>Totals over the reported processes (one process with a filter).</summary>
    public required ProcessPageStatistics Pages { get; init; }

    public required IReadOnlyList<ProcessPageStatistics> PagesByProcess { get; init; }

    /// <summary>Totals over the reported mms.</summary>
    public required MmLockStatistics Locks { get; init; }

    /// <summary>Per-mm numbers, most binder holds first, then by total hold time.</summary>
    public required IReadOnlyList<MmLockStatistics> LocksByMm { get; init; }

    /// <summary>Holders that overlapped other tasks' conflicting waits, most blocked time first.</summary>
    public required IReadOnlyList<LockBlocker> TopBlockers { get; init; }

    /// <summary>Tasks by total mmap_lock hold time on the reported mms, longest first.</summary>
    public required IReadOnlyList<TaskLockUsage> TopLockTasks { get; init; }

    public required TransactionStatistics Transactions { get; init; }

    public required DesignFingerprint Fingerprint { get; init; }

    public required AnalysisCounters Counters { get; init; }

    /// <summary>The reader's and the analysis' counters with severity and description.</summary>
    public DataQualityTable DataQuality => DataQualityTable.Of(Diagnostics, Counters.All);

    public required IReadOnlyList<MarkerSnapshot> Markers { get; init; }

    /// <summary>binder_update_page_range events seen (reported processes).</summary>
    public long PageRangeUpdates { get; init; }
}
