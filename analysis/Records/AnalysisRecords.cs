using BinderTrace.Events;

namespace BinderTrace.Analysis.Records;

/// <summary>
/// One stretch of time a page (process, page index) spent in one state. <see cref="StartNs"/> is -1 when the
/// trace began inside the interval; <see cref="EndNs"/> is -1 when the trace ended inside it.
/// </summary>
public readonly record struct PageInterval(int Proc, long PageIndex, PageState State, long StartNs, long EndNs)
{
    public long DurationNs => StartNs < 0 || EndNs < 0 ? -1 : EndNs - StartNs;
}

/// <summary>
/// One hold of an mm's mmap_lock: from a successful <c>mmap_lock_acquire_returned</c> to the matching
/// <c>mmap_lock_released</c> (or a write downgrade). <see cref="Binder"/> says whether the hold overlaps a binder
/// page operation on the same task.
/// </summary>
public readonly record struct MmapLockHold(
    int Pid, string Comm, ulong Mm, LockMode Mode, bool Binder, long StartNs, long EndNs)
{
    public long DurationNs => EndNs - StartNs;
}

/// <summary>
/// One wait for an mm's mmap_lock: <c>mmap_lock_start_locking</c> to <c>mmap_lock_acquire_returned</c>.
/// <see cref="Success"/> is false for a failed trylock or killable lock.
/// </summary>
public readonly record struct MmapLockWait(
    int Pid, string Comm, ulong Mm, LockMode Mode, bool Binder, bool Success, long StartNs, long EndNs)
{
    public long DurationNs => EndNs - StartNs;
}

/// <summary>
/// One holder that overlapped one wait for the same mm's mmap_lock in a conflicting mode (a writer for a
/// reader, anyone for a writer): the holder is a candidate reason for the wait. <see cref="HolderBinder"/> is the
/// holder's binder attribution as known when the overlap ended.
/// </summary>
public readonly record struct MmapLockBlocker(
    int WaitPid, string WaitComm, ulong Mm, LockMode WaitMode, long WaitStartNs,
    int HolderPid, string HolderComm, LockMode HolderMode, bool HolderBinder, long OverlapNs);

/// <summary>
/// One binder transaction as reconstructed from <c>binder_transaction</c>, <c>binder_transaction_alloc_buf</c>,
/// <c>binder_transaction_received</c> and <c>binder_txn_latency_free</c>. Times are -1 where the event was not seen.
/// A value, not an object: one is made per transaction, and as a class they were most of <c>export</c>'s allocation.
/// </summary>
public readonly record struct TransactionRecord(
    int DebugId,
    int FromPid,
    int ToProc,
    int ToThread,
    bool Reply,
    bool Oneway,
    uint Code,
    long DataSize,
    long OffsetsSize,
    int PagesInstalled,
    long SentNs,
    long ReceivedNs,
    long FreedNs)
{
    /// <summary>For a reply: the debug id of the two-way request it answers, or -1 when that request was not matched.</summary>
    public int RequestDebugId { get; init; } = -1;
}

/// <summary>
/// Receives the analysis' detailed rows as they close, in close order, so exporters can stream them without
/// the analysis keeping a copy.
/// </summary>
public interface IAnalysisSink
{
    void OnPageInterval(in PageInterval interval);

    void OnLockHold(in MmapLockHold hold);

    void OnLockWait(in MmapLockWait wait);

    void OnTransaction(TransactionRecord transaction);

    /// <summary>One page install whose latency is known (the report's <c>pages.install_ns</c>). Sinks that do not need it keep the default.</summary>
    void OnPageInstall(long startNs, long latencyNs)
    {
    }

    /// <summary>The same, with the page's binder process; by default passed on without it.</summary>
    void OnPageInstall(int proc, long startNs, long latencyNs) => OnPageInstall(startNs, latencyNs);

    /// <summary>Contention detail: one (wait, conflicting holder) pair. Sinks that do not need it keep the default.</summary>
    void OnLockBlocker(in MmapLockBlocker blocker)
    {
    }

    /// <summary>
    /// A hold that overlapped other tasks' conflicting waits, summed when it closed (the report's
    /// <c>top_blockers</c> and <c>blocked_others_ns</c>). Sinks that do not need it keep the default.
    /// </summary>
    void OnLockHoldBlocked(in MmapLockHold hold, long waitsBlocked, long blockedNs)
    {
    }

    /// <summary>One LRU dwell of a page whose arrival on the LRU was seen (the report's <c>pages.lru_dwell_ns</c>).</summary>
    void OnLruDwell(int proc, long startNs, long dwellNs)
    {
    }

    /// <summary>One page reclaim, first unmap start to last unmap end (the report's <c>pages.reclaim_ns</c>).</summary>
    void OnReclaim(int proc, long startNs, long durationNs)
    {
    }

    /// <summary>
    /// A reclaimed page installed again (the report's <c>pages.reinstall_after_reclaim_ns</c>). The gap starts at the reclaim,
    /// but the row is the reinstall's (at <paramref name="reclaimedNs"/> + <paramref name="gapNs"/>), as its count <c>reinstalls_after_reclaim</c> is.
    /// </summary>
    void OnReinstallAfterReclaim(int proc, long reclaimedNs, long gapNs)
    {
    }

    /// <summary>
    /// A process's page counts changed at <paramref name="timestampNs"/> (its <c>series</c> sample), with the counts
    /// over all processes (<paramref name="sampled"/> is false where only the all-process peak can change).
    /// </summary>
    void OnPageCounts(int proc, long timestampNs, int active, int lru, int allActive, int allLru, bool sampled)
    {
    }
}
