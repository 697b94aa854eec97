using BinderTrace.Allocator.Workload;

namespace BinderTrace.Allocator.Replay;

/// <summary>What one step of a replayed thread does.</summary>
public enum ReplayActionKind
{
    /// <summary>binder_transaction … binder_transaction_alloc_buf: a request or reply whose buffer is carved in the target.</summary>
    Send,

    /// <summary>binder_transaction_received: the thread waits until the transaction reaches it.</summary>
    Receive,

    /// <summary>binder_transaction_buffer_release: BC_FREE_BUFFER of a received buffer.</summary>
    Free,

    /// <summary>A non-binder mmap_lock hold (the application's own lock traffic) on a binder process's mm.</summary>
    MmapHold,
}

/// <summary>
/// One step of a thread's script, with the real start and end times it had in the trace (ns). A replayed thread
/// keeps the real gap between the end of one step and the start of the next; how long a step itself takes is the
/// simulated design's business (Send, Free) or the real duration (MmapHold).
/// </summary>
public sealed record ReplayAction(ReplayActionKind Kind, long RealStartNs, long RealEndNs)
{
    public int TransactionId { get; init; }

    /// <summary>Send: the binder process whose buffer space holds the buffer (dest_proc). Free: the buffer's process.</summary>
    public int TargetProc { get; init; }

    /// <summary>Send: dest_node as printed (0 for replies).</summary>
    public int TargetNode { get; init; }

    /// <summary>Send of a reply: the client thread it wakes (dest_thread).</summary>
    public int TargetThread { get; init; }

    /// <summary>Send: data + offsets + extra buffers, as binder_transaction_alloc_buf printed them.</summary>
    public long DataSize { get; init; }

    public long OffsetsSize { get; init; }

    public bool OneWay { get; init; }

    public bool Reply { get; init; }

    public uint Code { get; init; }

    /// <summary>
    /// Receive: binder_transaction_alloc_buf → binder_transaction_received in the trace (queueing and wake-up of the
    /// receiver). The replay keeps it, so a receiver wakes as long after the send as it did for real.
    /// </summary>
    public long DeliveryDelayNs { get; init; }

    /// <summary>MmapHold: the mm as the trace printed it.</summary>
    public ulong Mm { get; init; }

    public bool Write { get; init; }

    /// <summary>MmapHold: time held in <see cref="Write"/> mode (up to the downgrade, if any).</summary>
    public long HoldNs { get; init; }

    /// <summary>MmapHold: read time after an mmap_write_downgrade, else 0 (no downgrade).</summary>
    public long DowngradedReadNs { get; init; }

    public bool Downgraded { get; init; }

    /// <summary>
    /// MmapHold: how long the holder was runnable but off CPU while waiting for the lock in the trace. The CPU wait
    /// after its wake-ups is a writer's own wake latency when the simulated lock wakes it (0: the calibrated median);
    /// preemption while spinning is spent off CPU before it tries the lock.
    /// </summary>
    public LockWaitOffCpu WaitOffCpu { get; init; }

    /// <summary>
    /// Send: time the sender spends before its allocation, replayed as workload (see <see cref="SendStalls"/>): the
    /// traced binder_transaction → first allocator step, less other tasks' alloc-lock sections and the plain-send time.
    /// </summary>
    public long StallNs { get; init; }

    /// <summary>
    /// Send: how long the sender took to get a CPU after a binder task woke it from a lock in the trace (sched_wakeup
    /// to sched_switch in). Replayed as the time it takes to run when the simulated alloc mutex wakes it, so a
    /// convoy behind the mutex forms where the design makes the sender sleep; 0 when the trace shows none.
    /// </summary>
    public long LockWakeLatencyNs { get; init; }
}

/// <summary>A traced thread and its script, in trace order. <see cref="Tgid"/> is -1 when the trace never showed its process.</summary>
public sealed record ReplayThread(int Pid, int Tgid, string Comm, IReadOnlyList<ReplayAction> Actions);

/// <summary>A binder process (the proc= of binder events) with the mm its lock traffic is replayed on.</summary>
public sealed record ReplayProcess(int Tgid, ulong Mm, long MappingBytes);

/// <summary>
/// One shrinker pass (drop_caches or kswapd): when it started, who ran it, and how many pages it reclaimed from
/// each binder process. Per process, because processes that exited before the pass (clients of earlier phases)
/// gave their pages back untraced, while the replay keeps every process alive: their pages must not stand in for
/// the pages the real pass took.
/// </summary>
public sealed record ShrinkerRun(long RealStartNs, int Pid, string Comm, IReadOnlyDictionary<int, int> PagesByProc)
{
    public int PagesReclaimed => PagesByProc.Values.Sum();
}

/// <summary>
/// How the senders' waits before their allocations were split. <paramref name="AllocLockScope"/> names the trace
/// design's alloc lock coverage whose sections (other tasks' LRU and unmap brackets, and on range designs their whole
/// allocations) explain part of a wait: the simulator models that lock, so that part is not replayed. The rest, less
/// <paramref name="BaselineNs"/> (median plain send, charged as carve cost), is replayed as each send's stall.
/// </summary>
public sealed record SendStalls(
    string Method, long BaselineNs, int Sends, long WaitNs, long LockExplainedNs, long LockWakeNs, int Replayed, long ReplayedNs, int LongReplayed, long LongReplayedNs);

/// <summary>
/// A simulator cost measured in the trace: which parameter, the measured value, the measurement it came from, and
/// whether the replay uses it (<paramref name="Applied"/> false: shown for the record, the default is kept).
/// </summary>
public sealed record CalibratedCost(string Parameter, long ValueNs, string Source, bool Applied = true);

/// <summary>
/// The workload of a real trace, as the simulator replays it: binder processes, threads with their scripts
/// (sends with size, one-way flag, target and reply target; receives; frees; non-binder mmap_lock holds), shrinker
/// passes, costs calibrated from the trace, and what the trace could not tell (with the assumption made instead).
/// Built by <see cref="TraceWorkloadExtractor"/>; its size is proportional to the trace's binder and lock activity.
/// </summary>
public sealed record TraceWorkload
{
    public required string SourceName { get; init; }

    /// <summary>The design the trace's allocator was fingerprinted as by lock structure (the replay's "own" design), or null.</summary>
    public string? TraceDesign { get; init; }

    public int Cpus { get; init; } = 4;

    public long FirstTimestampNs { get; init; }

    public long LastTimestampNs { get; init; }

    public required IReadOnlyList<ReplayProcess> Processes { get; init; }

    public required IReadOnlyList<ReplayThread> Threads { get; init; }

    public required IReadOnlyList<ShrinkerRun> ShrinkerRuns { get; init; }

    public required CostModel Costs { get; init; }

    public required IReadOnlyList<CalibratedCost> Calibrated { get; init; }

    /// <summary>What the trace does not show and what was assumed instead, one sentence each.</summary>
    public required IReadOnlyList<string> Assumptions { get; init; }

    /// <summary>The senders' measured waits before their allocations and the part replayed as workload.</summary>
    public SendStalls Stalls { get; init; } = new("none", 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Events of the trace that the replay leaves out, by reason, with counts.</summary>
    public required IReadOnlyDictionary<string, long> NotReplayed { get; init; }

    public long Transactions => Threads.Sum(t => t.Actions.Count(a => a.Kind == ReplayActionKind.Send));

    public long MmapHolds => Threads.Sum(t => t.Actions.Count(a => a.Kind == ReplayActionKind.MmapHold));
}
