using BinderTrace.Allocator.Model;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Replay;

/// <summary>
/// Builds a <see cref="TraceWorkload"/> from a real trace's typed events, one event at a time (so it can share a
/// pass with the analysis). Per thread it keeps the script of binder sends, receives and frees and of the
/// mmap_lock holds that are not binder's own; a hold is binder's when the holding task emitted a binder page event
/// (install window, LRU move, unmap, update_page_range) while holding it or took it inside an install window. Costs
/// are measured from the trace's own allocator brackets (<see cref="ReplayCalibration"/>).
/// </summary>
public sealed class TraceWorkloadExtractor : ITraceEventConsumer
{
    /// <summary>Unmaps further apart than this belong to different shrinker passes.</summary>
    private const long ShrinkerRunGapNs = 50_000_000;

    private readonly Dictionary<int, TaskScript> _tasks = [];
    private readonly Dictionary<int, PendingSend> _sends = [];
    private readonly HashSet<int> _sentIds = [];
    private readonly Dictionary<int, int> _transactionTarget = [];
    private readonly Dictionary<int, long> _allocatedAt = [];
    private readonly HashSet<int> _pageProcs = [];
    private readonly Dictionary<(ulong Mm, int Proc), long> _binderMmVotes = [];
    private readonly Dictionary<ulong, long> _lastRelease = [];
    private readonly List<ShrinkerRun> _shrinkerRuns = [];
    private readonly Dictionary<string, long> _notReplayed = [];
    private readonly ReplayCalibration _calibration = new();
    private readonly SendStallMeter _stalls = new();
    private readonly LockWaitMeter _lockWaits = new();
    private long _lastUnmapNs = long.MinValue;
    private long _first = -1;
    private long _last = -1;

    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        foreach (ref readonly var e in batch)
        {
            OnEvent(e);
        }
    }

    /// <summary>Nothing to do yet: the workload is built by <see cref="Finish"/>, which needs the analysis' design fingerprint of the same pass.</summary>
    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
    }

    public void OnEvent(in TraceEvent e)
    {
        if (_first < 0)
        {
            _first = e.Timestamp;
        }

        _last = e.Timestamp;
        switch (e.Kind)
        {
            case EventKind.BinderTransaction:
                OnTransaction(e);
                break;
            case EventKind.BinderTransactionAllocBuf:
                OnAllocBuf(e);
                break;
            case EventKind.BinderTransactionReceived:
                OnReceived(e);
                break;
            case EventKind.BinderTransactionBufferRelease:
                OnRelease(e);
                break;
            case EventKind.MmapLockStartLocking:
            case EventKind.MmapLockAcquireReturned:
            case EventKind.MmapLockReleased:
                OnMmapLock(e);
                break;
            case EventKind.BinderUpdatePageRange:
                OnPageRange(e);
                break;
            case EventKind.BinderAllocPageStart:
            case EventKind.BinderAllocPageEnd:
            case EventKind.BinderAllocLruStart:
            case EventKind.BinderAllocLruEnd:
            case EventKind.BinderFreeLruStart:
            case EventKind.BinderFreeLruEnd:
            case EventKind.BinderUnmapUserStart:
            case EventKind.BinderUnmapUserEnd:
            case EventKind.BinderUnmapKernelStart:
            case EventKind.BinderUnmapKernelEnd:
                OnPage(e);
                break;
            case EventKind.SchedSwitch:
                var sw = e.SchedSwitch;
                _stalls.OnSwitch(sw.PrevPid, (sw.PrevState & TaskState.DiskSleep) != 0, sw.NextPid, e.Timestamp);
                _lockWaits.OnSwitch(sw.PrevPid, (sw.PrevState & ~TaskState.Preempted) == TaskState.Running, sw.NextPid, e.Timestamp);
                break;
            case EventKind.SchedWakeup:
                _stalls.OnWakeup(e.SchedWakeup.Pid, e.Pid, e.Timestamp);
                _lockWaits.OnWakeup(e.SchedWakeup.Pid, e.Timestamp);
                break;
        }
    }

    /// <summary>
    /// The workload. <paramref name="traceDesign"/> is the design the trace was fingerprinted as (or null): it
    /// decides which brackets measure which cost.
    /// </summary>
    public TraceWorkload Finish(TraceSourceInfo info, string? traceDesign)
    {
        ArgumentNullException.ThrowIfNull(info);
        var mmOwner = MmOwners();
        var binderProcs = _pageProcs.Concat(_transactionTarget.Values).ToHashSet();
        var processes = binderProcs.Order()
            .Select(proc => new ReplayProcess(proc, MmOf(proc, mmOwner), MappingBytes()))
            .ToList();
        var threads = new List<ReplayThread>();
        var scope = SendStallMeter.ScopeOf(traceDesign);
        var method = _stalls.SawScheduler ? "sleeps woken by binder" : $"sections ({scope})";
        var stalls = new SendStallTally(method, scope, _calibration.PlainSendMedianNs ?? 0);
        foreach (var task in _tasks.Values.OrderBy(t => t.Pid))
        {
            var kept = task.Actions.Where(a => Keep(a, mmOwner, binderProcs)).Select(a => a.Kind == ReplayActionKind.Send ? stalls.Apply(_stalls, a) : a);
            var actions = SendsFirstWithinTies(kept.ToList());
            if (actions.Count > 0)
            {
                threads.Add(new ReplayThread(task.Pid, task.Tgid, task.Comm, actions));
            }
        }

        foreach (var task in _tasks.Values)
        {
            Count("mmap_lock holds still open at the end of the trace", task.Holds.Values.Count(h => h.Acquired >= 0));
        }

        Count("binder_transaction without binder_transaction_alloc_buf (failed or cut off by the trace end)", _sends.Count);
        var (costs, calibrated) = _calibration.Build(traceDesign);
        return new TraceWorkload
        {
            SourceName = info.SourceName,
            TraceDesign = traceDesign,
            Cpus = info.HeaderCpuCount is > 0 and <= 256 ? info.HeaderCpuCount.Value : 4,
            FirstTimestampNs = Math.Max(0, _first),
            LastTimestampNs = Math.Max(0, _last),
            Processes = processes,
            Threads = threads,
            ShrinkerRuns = _shrinkerRuns,
            Costs = costs,
            Calibrated = calibrated,
            Assumptions = ReplayCalibration.Assumptions,
            Stalls = stalls.Summary(),
            NotReplayed = _notReplayed,
        };
    }

    /// <summary>Reads <paramref name="source"/> to the end and extracts its workload.</summary>
    public static TraceWorkload Extract(ITraceEventSource source, string? traceDesign)
    {
        ArgumentNullException.ThrowIfNull(source);
        var extractor = new TraceWorkloadExtractor();
        while (source.TryRead(out var e))
        {
            extractor.OnEvent(e);
        }

        return extractor.Finish(source.Info, traceDesign);
    }

    private void OnTransaction(in TraceEvent e)
    {
        var t = e.Transaction;
        var task = Task(e);
        // The send takes its place in the script now: a receive of the reply can carry the same microsecond
        // timestamp as this send's alloc_buf on another CPU and come first in the merged trace.
        _sends[t.DebugId] = new PendingSend(e.Timestamp, t, task.Pid, task.Actions.Count);
        task.Actions.Add(new ReplayAction(ReplayActionKind.Send, e.Timestamp, e.Timestamp) { TransactionId = t.DebugId });
        _transactionTarget[t.DebugId] = t.ToProc;
        _stalls.OnTransaction(task.Pid, t.DebugId, t.ToProc, e.Timestamp);
        task.PageEventsSinceTransaction = false;
        task.FirstInstallPending = true;
        if (t.Reply != 0 && t.ToThread > 0)
        {
            Task(t.ToThread).Tgid = t.ToProc;
        }
    }

    private void OnAllocBuf(in TraceEvent e)
    {
        var b = e.Buffer;
        _stalls.OnAllocBuf(e.Pid, b.DebugId, e.Timestamp);
        if (!_sends.Remove(b.DebugId, out var send) || send.Pid != e.Pid)
        {
            Count("binder_transaction_alloc_buf without its binder_transaction (sent before the trace began)", 1);
            return;
        }

        var task = Task(e);
        var t = send.Transaction;
        _sentIds.Add(b.DebugId);
        _allocatedAt[b.DebugId] = e.Timestamp;
        if (!task.PageEventsSinceTransaction)
        {
            _calibration.PlainSendNs.Add(e.Timestamp - send.Start);
        }

        task.Actions[send.ActionIndex] = new ReplayAction(ReplayActionKind.Send, send.Start, e.Timestamp)
        {
            TransactionId = t.DebugId, TargetProc = t.ToProc, TargetThread = t.ToThread, TargetNode = t.TargetNode,
            DataSize = b.DataSize + b.ExtraBuffersSize, OffsetsSize = b.OffsetsSize, OneWay = (t.Flags & 1) != 0,
            Reply = t.Reply != 0, Code = t.Code,
        };
    }

    private void OnReceived(in TraceEvent e)
    {
        var task = Task(e);
        if (_transactionTarget.TryGetValue(e.TransactionId, out var proc))
        {
            task.Tgid = proc;
        }

        var delay = _allocatedAt.Remove(e.TransactionId, out var allocated) ? Math.Max(0, e.Timestamp - allocated) : 0;
        task.Actions.Add(new ReplayAction(ReplayActionKind.Receive, e.Timestamp, e.Timestamp) { TransactionId = e.TransactionId, DeliveryDelayNs = delay });
    }

    private void OnRelease(in TraceEvent e)
    {
        var id = e.Buffer.DebugId;
        Task(e).Actions.Add(new ReplayAction(ReplayActionKind.Free, e.Timestamp, e.Timestamp)
        {
            TransactionId = id, TargetProc = _transactionTarget.GetValueOrDefault(id, -1),
        });
    }

    private void OnPageRange(in TraceEvent e)
    {
        var r = e.PageRange;
        var task = Task(e);
        MarkBinder(task, r.Proc);
        _pageProcs.Add(r.Proc);
        _stalls.OnAllocatorEvent(task.Pid, r.Proc, e.Timestamp);
    }

    private void OnPage(in TraceEvent e)
    {
        var p = e.Page;
        var task = Task(e);
        MarkBinder(task, p.Proc);
        _pageProcs.Add(p.Proc);
        _stalls.OnAllocatorEvent(task.Pid, p.Proc, e.Timestamp);
        task.PageEventsSinceTransaction |= e.Kind is EventKind.BinderAllocPageStart or EventKind.BinderAllocLruStart;
        switch (e.Kind)
        {
            case EventKind.BinderAllocPageStart:
                task.WindowStart = e.Timestamp;
                task.WindowIsFirst = task.FirstInstallPending;
                task.FirstInstallPending = false;
                break;
            case EventKind.BinderAllocPageEnd when task.WindowStart >= 0:
                _calibration.InstallWindows(task.WindowIsFirst).Add(e.Timestamp - task.WindowStart);
                AddToHolds(task, e.Timestamp - task.WindowStart, window: true);
                task.WindowStart = -1;
                break;
            case EventKind.BinderAllocLruStart or EventKind.BinderFreeLruStart or EventKind.BinderUnmapUserStart or EventKind.BinderUnmapKernelStart:
                task.BracketStart = e.Timestamp;
                _stalls.OnBracketStart(task.Pid, p.Proc, e.Timestamp);
                if (e.Kind == EventKind.BinderUnmapKernelStart)
                {
                    OnReclaim(e);
                }

                break;
            case EventKind.BinderAllocLruEnd or EventKind.BinderFreeLruEnd when task.BracketStart >= 0:
                _calibration.LruOpNs.Add(e.Timestamp - task.BracketStart);
                _stalls.OnBracketEnd(task.Pid, e.Timestamp);
                AddToHolds(task, e.Timestamp - task.BracketStart, window: false);
                task.BracketStart = -1;
                break;
            case EventKind.BinderUnmapUserEnd when task.BracketStart >= 0:
                _calibration.ZapNs.Add(e.Timestamp - task.BracketStart);
                _stalls.OnBracketEnd(task.Pid, e.Timestamp);
                task.BracketStart = -1;
                break;
            case EventKind.BinderUnmapKernelEnd:
                _stalls.OnBracketEnd(task.Pid, e.Timestamp);
                task.BracketStart = -1;
                break;
        }
    }

    /// <summary>Accounts a page window or LRU bracket to the task's open holds (what a range hold spends on pages).</summary>
    private static void AddToHolds(TaskScript task, long ns, bool window)
    {
        foreach (var hold in task.Holds.Values)
        {
            if (hold.Acquired >= 0)
            {
                hold.BracketNs += ns;
                hold.Windows += window ? 1 : 0;
            }
        }
    }

    private void OnReclaim(in TraceEvent e)
    {
        if (_shrinkerRuns.Count == 0 || e.Timestamp - _lastUnmapNs > ShrinkerRunGapNs)
        {
            _shrinkerRuns.Add(new ShrinkerRun(e.Timestamp, e.Pid, e.Comm, new Dictionary<int, int>()));
        }

        var byProc = (Dictionary<int, int>)_shrinkerRuns[^1].PagesByProc;
        byProc[e.Page.Proc] = byProc.GetValueOrDefault(e.Page.Proc) + 1;
        _lastUnmapNs = e.Timestamp;
    }

    private void OnMmapLock(in TraceEvent e)
    {
        var m = e.MmapLock;
        var task = Task(e);
        task.Holds.TryGetValue(m.Mm, out var hold);
        var waitOffCpu = e.Kind == EventKind.MmapLockAcquireReturned ? _lockWaits.OnLockWaitOver(task.Pid) : default;
        switch (e.Kind)
        {
            case EventKind.MmapLockStartLocking:
                _lockWaits.OnStartLocking(task.Pid);
                task.Holds[m.Mm] = new Hold
                {
                    StartLocking = e.Timestamp, Write = m.Write, Binder = task.WindowStart >= 0,
                    InFirstInstall = task.WindowStart >= 0 && task.WindowIsFirst,
                };
                break;
            case EventKind.MmapLockAcquireReturned when hold is { Acquired: < 0 }:
                if (!m.Success)
                {
                    task.Holds.Remove(m.Mm);
                    Count("failed mmap_lock attempts (trylock or killable lock)", 1);
                    break;
                }

                hold.Acquired = e.Timestamp;
                hold.WaitOffCpu = waitOffCpu;
                if (_lastRelease.TryGetValue(m.Mm, out var released) && released > hold.StartLocking)
                {
                    (hold.Write ? _calibration.WriterHandoffNs : _calibration.HandoffNs).Add(e.Timestamp - released);
                }

                break;
            case EventKind.MmapLockAcquireReturned when hold is { Write: true, DowngradeAt: < 0 } && !m.Write:
                hold.DowngradeAt = e.Timestamp;
                break;
            case EventKind.MmapLockAcquireReturned:
                Count("mmap_lock acquires without start_locking (lock taken before the trace began)", 1);
                break;
            case EventKind.MmapLockReleased when hold is { Acquired: >= 0 }:
                task.Holds.Remove(m.Mm);
                _lastRelease[m.Mm] = e.Timestamp;
                CloseHold(task, m.Mm, hold, e.Timestamp);
                break;
            default:
                Count("mmap_lock releases without an acquire (held since before the trace began)", 1);
                break;
        }
    }

    private void CloseHold(TaskScript task, ulong mm, Hold hold, long now)
    {
        var writeEnd = hold.DowngradeAt >= 0 ? hold.DowngradeAt : now;
        if (hold.Binder)
        {
            if (hold.Write)
            {
                _calibration.BinderWriteHolds(hold.InFirstInstall).Add(writeEnd - hold.Acquired);
                if (hold.Windows > 0)
                {
                    _calibration.RangeHoldResidualNs.Add(writeEnd - hold.Acquired - hold.BracketNs);
                }
            }

            return;
        }

        _stalls.OnOwnLockHold(task.Pid, hold.StartLocking, now);
        task.MmVotes[mm] = task.MmVotes.GetValueOrDefault(mm) + 1;
        task.Actions.Add(new ReplayAction(ReplayActionKind.MmapHold, hold.StartLocking, now)
        {
            Mm = mm, Write = hold.Write, HoldNs = writeEnd - hold.Acquired, WaitOffCpu = hold.WaitOffCpu,
            Downgraded = hold.DowngradeAt >= 0, DowngradedReadNs = hold.DowngradeAt >= 0 ? now - hold.DowngradeAt : 0,
        });
    }

    private void MarkBinder(TaskScript task, int proc)
    {
        foreach (var (mm, hold) in task.Holds)
        {
            if (hold.Acquired >= 0)
            {
                hold.Binder = true;
                _binderMmVotes[(mm, proc)] = _binderMmVotes.GetValueOrDefault((mm, proc)) + 1;
            }
        }
    }

    /// <summary>
    /// Which binder process each mm belongs to: binder's own holds name it directly (page events of proc P under a
    /// hold on M); otherwise the process of the threads that used M, when the trace showed their process.
    /// </summary>
    private Dictionary<ulong, int> MmOwners()
    {
        var owners = new Dictionary<ulong, int>();
        foreach (var ((mm, proc), _) in _binderMmVotes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Mm))
        {
            owners.TryAdd(mm, proc);
        }

        var weak = new Dictionary<(ulong Mm, int Proc), long>();
        foreach (var task in _tasks.Values.Where(t => t.Tgid > 0))
        {
            foreach (var (mm, n) in task.MmVotes)
            {
                weak[(mm, task.Tgid)] = weak.GetValueOrDefault((mm, task.Tgid)) + n;
            }
        }

        foreach (var ((mm, proc), _) in weak.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Mm))
        {
            owners.TryAdd(mm, proc);
        }

        return owners;
    }

    private static ulong MmOf(int proc, Dictionary<ulong, int> owners) =>
        owners.Where(kv => kv.Value == proc).Select(kv => kv.Key).Order().FirstOrDefault();

    /// <summary>
    /// The trace does not print the mapping size. The kernel's 4 MiB cap is used: best fit places buffers the same
    /// whatever the size of the free tail, so a larger space changes nothing until the real one would have run out,
    /// which the real trace would show as failed transactions (binder_transaction without alloc_buf, counted).
    /// </summary>
    private static long MappingBytes() => BufferSpace.MaxBufferSize;

    /// <summary>
    /// Events of one task with the same timestamp may come out of the per-CPU merge in the wrong order when the
    /// task migrated within that microsecond (seen in the 6.1 captures: a looper's reply listed after its next
    /// receive). Within such a tie, sends go first: a send never waits for another thread, so this cannot create
    /// a wait cycle, while the merged order can (two threads each waiting for the other's later send).
    /// </summary>
    private static List<ReplayAction> SendsFirstWithinTies(List<ReplayAction> actions)
    {
        var ordered = new List<ReplayAction>(actions.Count);
        var i = 0;
        while (i < actions.Count)
        {
            var j = i;
            while (j < actions.Count && actions[j].RealStartNs == actions[i].RealStartNs)
            {
                j++;
            }

            var tie = actions.GetRange(i, j - i);
            ordered.AddRange(tie.Where(a => a.Kind == ReplayActionKind.Send));
            ordered.AddRange(tie.Where(a => a.Kind != ReplayActionKind.Send));
            i = j;
        }

        return ordered;
    }

    private bool Keep(ReplayAction a, Dictionary<ulong, int> mmOwner, HashSet<int> binderProcs)
    {
        var keep = a.Kind switch
        {
            ReplayActionKind.Send or ReplayActionKind.Receive or ReplayActionKind.Free => _sentIds.Contains(a.TransactionId),
            ReplayActionKind.MmapHold => mmOwner.TryGetValue(a.Mm, out var proc) && binderProcs.Contains(proc),
            _ => true,
        };
        if (!keep && a.Kind != ReplayActionKind.Send)
        {
            Count(a.Kind == ReplayActionKind.MmapHold
                ? "mmap_lock holds on mms of no binder process"
                : $"{(a.Kind == ReplayActionKind.Receive ? "receives" : "frees")} of transactions sent before the trace began", 1);
        }

        return keep;
    }

    private void Count(string reason, long n)
    {
        if (n > 0)
        {
            _notReplayed[reason] = _notReplayed.GetValueOrDefault(reason) + n;
        }
    }

    private TaskScript Task(in TraceEvent e)
    {
        var task = Task(e.Pid);
        task.Comm = e.Comm;
        if (e.Tgid > 0)
        {
            task.Tgid = e.Tgid;
        }

        return task;
    }

    private TaskScript Task(int pid)
    {
        if (!_tasks.TryGetValue(pid, out var task))
        {
            task = new TaskScript(pid);
            _tasks[pid] = task;
        }

        return task;
    }

    private sealed record PendingSend(long Start, TransactionEvent Transaction, int Pid, int ActionIndex);

    private sealed class Hold
    {
        public long StartLocking { get; init; }

        public bool Write { get; init; }

        public long Acquired { get; set; } = -1;

        /// <summary>Runnable but off CPU while waiting for the lock (CPU wait after wake-ups, preempted spinning).</summary>
        public LockWaitOffCpu WaitOffCpu { get; set; }

        public long DowngradeAt { get; set; } = -1;

        /// <summary>Time of the install windows and LRU brackets inside this hold, and how many install windows.</summary>
        public long BracketNs { get; set; }

        public int Windows { get; set; }

        /// <summary>Taken inside the first install window of a send.</summary>
        public bool InFirstInstall { get; init; }

        /// <summary>Taken by binder code: inside an install window, or binder page events happened under it.</summary>
        public bool Binder { get; set; }
    }

    private sealed class TaskScript(int pid)
    {
        public int Pid { get; } = pid;

        public int Tgid { get; set; } = -1;

        public string Comm { get; set; } = "";

        public List<ReplayAction> Actions { get; } = [];

        public Dictionary<ulong, Hold> Holds { get; } = [];

        public Dictionary<ulong, long> MmVotes { get; } = [];

        public long WindowStart { get; set; } = -1;

        /// <summary>No install window yet since the task's last binder_transaction: the next one is its send's first.</summary>
        public bool FirstInstallPending { get; set; }

        /// <summary>The open install window is the first of its send.</summary>
        public bool WindowIsFirst { get; set; }

        public long BracketStart { get; set; } = -1;

        /// <summary>An install window or LRU removal since the task's last binder_transaction (update_page_range alone does not count).</summary>
        public bool PageEventsSinceTransaction { get; set; }
    }
}
