using BinderTrace.Events;

namespace BinderTrace.Allocator.Replay;

/// <summary>
/// Measures, per send, how long the sender took from <c>binder_transaction</c> to its allocation's first traced step
/// (<c>binder_update_page_range</c>, an LRU or install bracket; <c>binder_transaction_alloc_buf</c> when the send
/// touched no page), and which part of that wait the simulator models itself. With scheduler events: the sender's
/// D-state sleeps that a binder task of the target process ended (a wait for that process's lock), and apart from
/// them the CPU wait after such a wake-up. Without: the time other tasks spent in the target's allocator sections
/// (each LRU and unmap bracket, and a send's whole allocation from its first traced step to its alloc_buf, which
/// range designs run under the mutex). The state kept is the open sends and the sections that may still overlap one.
/// </summary>
internal sealed class SendStallMeter
{
    /// <summary>A process's closed sections are pruned once they are this many (only those no open send can overlap).</summary>
    private const int PruneAt = 4096;

    /// <summary>Per process: the size at which its sections are next pruned (doubles while a stale send keeps them).</summary>
    private readonly Dictionary<int, int> _pruneAt = [];

    private readonly Dictionary<int, List<Section>> _closed = [];
    private readonly Dictionary<int, OpenSend> _sending = [];
    private readonly Dictionary<int, (int Proc, long Start)> _allocating = [];
    private readonly Dictionary<int, (int Proc, long Start)> _brackets = [];
    private readonly Dictionary<int, PreAllocation> _measured = [];
    private readonly HashSet<(int Proc, int Pid)> _binderUsers = [];

    /// <summary>The trace has scheduler events: a send's sleeps and who woke it are known.</summary>
    public bool SawScheduler { get; private set; }

    /// <summary>Which traced sections the design's alloc lock covers (how much of a stall the simulator models itself).</summary>
    public enum AllocLockScope
    {
        /// <summary>A spinlock (6.8-6.13 <c>alloc->lock</c>): a sender cannot sleep on it.</summary>
        None,

        /// <summary><c>alloc->mutex</c> around the carve, LRU moves and the shrinker's unmap, installs outside (6.14+).</summary>
        Brackets,

        /// <summary><c>alloc->mutex</c> around the whole allocation, installs included (6.1).</summary>
        WholeAllocation,
    }

    public static AllocLockScope ScopeOf(string? design) =>
        !AllocatorDesignNames.TryParse(design, out var parsed) ? AllocLockScope.None : parsed switch
        {
            AllocatorDesign.RangeWrite or AllocatorDesign.RangeRead => AllocLockScope.WholeAllocation,
            AllocatorDesign.PageConcurrent or AllocatorDesign.FaultDeferred => AllocLockScope.Brackets,
            _ => AllocLockScope.None,
        };

    public void OnTransaction(int pid, int id, int targetProc, long ts)
    {
        _allocating.Remove(pid);
        _binderUsers.Add((targetProc, pid));
        _sending[pid] = new OpenSend(id, targetProc, ts);
    }

    /// <summary>A binder page event or update_page_range of <paramref name="pid"/>: the first one ends its send's wait.</summary>
    public void OnAllocatorEvent(int pid, int proc, long ts)
    {
        _binderUsers.Add((proc, pid));
        if (_sending.Remove(pid, out var send))
        {
            Measure(pid, send, ts);
            _allocating[pid] = (send.Proc, ts);
        }
    }

    public void OnBracketStart(int pid, int proc, long ts) => _brackets[pid] = (proc, ts);

    /// <summary>sched_switch: a waiting sender going off CPU, or coming back.</summary>
    public void OnSwitch(int prevPid, bool prevAsleepUninterruptible, int nextPid, long ts)
    {
        SawScheduler = true;
        if (_sending.TryGetValue(nextPid, out var back))
        {
            back.CameBack(ts);
        }

        if (_sending.TryGetValue(prevPid, out var off))
        {
            off.WentOff(ts, prevAsleepUninterruptible);
        }
    }

    /// <summary>
    /// sched_wakeup of <paramref name="wokenPid"/> by <paramref name="wakerPid"/>: a sender asleep in D state that a
    /// binder task of the same target process wakes was waiting for a lock of that process (alloc->mutex, or on 6.1
    /// the target's mmap_lock under it): the simulator models that wait. Other sleeps are not explained.
    /// </summary>
    public void OnWakeup(int wokenPid, int wakerPid, long ts)
    {
        if (_sending.TryGetValue(wokenPid, out var send))
        {
            send.Woken(ts, _binderUsers.Contains((send.Proc, wakerPid)));
        }
    }

    public void OnBracketEnd(int pid, long ts)
    {
        if (_brackets.Remove(pid, out var b))
        {
            Close(b.Proc, new Section(pid, b.Start, ts, WholeAllocation: false));
        }
    }

    public void OnAllocBuf(int pid, int id, long ts)
    {
        if (_sending.Remove(pid, out var send) && send.Id == id)
        {
            Measure(pid, send, ts);
        }

        if (_allocating.Remove(pid, out var a))
        {
            Close(a.Proc, new Section(pid, a.Start, ts, WholeAllocation: true));
        }
    }

    /// <summary>
    /// A non-binder mmap_lock hold (wait included) of <paramref name="pid"/> that ended: the part inside its send's
    /// wait is replayed as that hold, so it is not stall.
    /// </summary>
    public void OnOwnLockHold(int pid, long startLocking, long end)
    {
        if (_sending.TryGetValue(pid, out var send))
        {
            send.OwnHoldNs += Math.Max(0, end - Math.Max(startLocking, send.Start));
        }
    }

    /// <summary>
    /// The stall replayed as workload for a send: its measured wait, less its lock sleeps and the CPU wait after them
    /// (with scheduler events) or less what <paramref name="scope"/>'s sections of other tasks cover (without), less
    /// <paramref name="baselineNs"/> (the time a send that waits for nothing takes, which the simulator charges as
    /// carve cost). Null when the send was never measured.
    /// </summary>
    public (long StallNs, long WaitNs, long ExplainedNs, long LockWakeNs)? StallOf(int id, AllocLockScope scope, long baselineNs)
    {
        if (!_measured.TryGetValue(id, out var m))
        {
            return null;
        }

        var explained = SawScheduler ? m.SleptOnLockNs : scope switch
        {
            AllocLockScope.WholeAllocation => m.UnderWholeAllocationNs,
            AllocLockScope.Brackets => m.UnderBracketsNs,
            _ => 0,
        };
        var lockWake = SawScheduler ? m.LockWakeNs : 0;
        return (Math.Max(0, m.WaitNs - explained - lockWake - baselineNs), m.WaitNs, explained, lockWake);
    }

    private void Measure(int pid, OpenSend send, long end)
    {
        var wait = Math.Max(0, end - send.Start - send.OwnHoldNs);
        var all = new List<(long Start, long End, bool WholeAllocation)>();
        if (_closed.TryGetValue(send.Proc, out var closed))
        {
            for (var i = closed.Count - 1; i >= 0 && closed[i].End >= send.Start; i--)
            {
                if (closed[i].Pid != pid)
                {
                    all.Add((closed[i].Start, closed[i].End, closed[i].WholeAllocation));
                }
            }
        }

        foreach (var (other, a) in _allocating)
        {
            if (other != pid && a.Proc == send.Proc)
            {
                all.Add((a.Start, end, true));
            }
        }

        foreach (var (other, b) in _brackets)
        {
            if (other != pid && b.Proc == send.Proc)
            {
                all.Add((b.Start, end, false));
            }
        }

        var whole = Covered(all, send.Start, end);
        var brackets = Covered(all.Where(s => !s.WholeAllocation).ToList(), send.Start, end);
        _measured[send.Id] = new PreAllocation(wait, Math.Min(wait, whole), Math.Min(wait, brackets), Math.Min(wait, send.SleptOnLockNs), Math.Min(wait - Math.Min(wait, send.SleptOnLockNs), send.LockWakeNs));
    }

    /// <summary>How much of [from, to] the union of <paramref name="sections"/> covers.</summary>
    private static long Covered(List<(long Start, long End, bool WholeAllocation)> sections, long from, long to)
    {
        sections.Sort((x, y) => x.Start.CompareTo(y.Start));
        long covered = 0;
        var reached = from;
        foreach (var (start, end, _) in sections)
        {
            var s = Math.Max(start, reached);
            var e = Math.Min(end, to);
            if (e > s)
            {
                covered += e - s;
                reached = e;
            }
        }

        return covered;
    }

    private void Close(int proc, Section section)
    {
        if (!_closed.TryGetValue(proc, out var list))
        {
            list = [];
            _closed[proc] = list;
        }

        list.Add(section);
        if (list.Count >= _pruneAt.GetValueOrDefault(proc, PruneAt))
        {
            // A send whose alloc_buf never came (failed, or cut by the trace end) keeps its sections; doubling the
            // threshold keeps the pruning linear overall.
            var oldest = _sending.Count == 0 ? long.MaxValue : _sending.Values.Min(s => s.Start);
            list.RemoveAll(s => s.End < oldest);
            _pruneAt[proc] = Math.Max(PruneAt, list.Count * 2);
        }
    }

    private sealed record Section(int Pid, long Start, long End, bool WholeAllocation);

    /// <summary>A send's wait and how much of it other tasks' sections covered, per alloc-lock scope.</summary>
    private sealed record PreAllocation(long WaitNs, long UnderWholeAllocationNs, long UnderBracketsNs, long SleptOnLockNs, long LockWakeNs);

    private sealed class OpenSend(int id, int proc, long start)
    {
        public int Id { get; } = id;

        public int Proc { get; } = proc;

        public long Start { get; } = start;

        public long OwnHoldNs { get; set; }

        /// <summary>D-state sleeps ended by a wakeup from a binder task of the same process (switch-out to wakeup).</summary>
        public long SleptOnLockNs { get; private set; }

        /// <summary>Wakeup to switch-in after those sleeps: how long the woken sender waited for a CPU.</summary>
        public long LockWakeNs { get; private set; }

        private long _offAt = -1;
        private bool _offAsleep;
        private long _lockWokenAt = -1;

        public void WentOff(long ts, bool uninterruptible)
        {
            _offAt = ts;
            _offAsleep = uninterruptible;
        }

        public void Woken(long ts, bool byLockUser)
        {
            if (_offAt >= 0 && _offAsleep && byLockUser)
            {
                SleptOnLockNs += Math.Max(0, ts - _offAt);
                _lockWokenAt = ts;
            }

            _offAt = -1;
        }

        public void CameBack(long ts)
        {
            if (_lockWokenAt >= 0)
            {
                LockWakeNs += Math.Max(0, ts - _lockWokenAt);
            }

            _lockWokenAt = -1;
            _offAt = -1;
        }
    }
}
