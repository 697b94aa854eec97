using System.Runtime.InteropServices;
using BinderTrace.Analysis.Collections;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Locks;

/// <summary>Tells the lock tracker whether a task is inside a binder operation right now, and for which binder process.</summary>
public interface IBinderActivity
{
    /// <summary>The binder process (<c>proc=</c>) of the page operation or allocation <paramref name="pid"/> is inside, or -1.</summary>
    int BinderProcOf(int pid);
}

/// <summary>
/// Rebuilds mmap_lock waits and holds per mm and per task from the three mmap_lock tracepoints (KERNEL.md §7):
/// wait = <c>start_locking</c> → <c>acquire_returned</c>; hold = successful acquire → <c>released</c>. An acquire
/// with no <c>start_locking</c> is a trylock (real kernels emit none for it); a read acquire with no start while
/// the task holds the write lock of that mm is <c>mmap_write_downgrade</c> and turns the write hold into a read
/// hold. A hold is binder's when the task was inside a binder page operation or allocation when it took the lock,
/// or when a binder page event fires on the task while it holds it; its wait is binder's when the hold is.
/// Contention: every wait is linked to the other tasks' conflicting holds that overlap it.
/// Memory: open holds and waits plus one statistics object per mm and one blocker entry per (task, mm, mode).
/// </summary>
public sealed partial class MmapLockTracker
{
    private readonly TaskTable<TaskLocks> _tasks = new();
    private readonly Dictionary<ulong, MmLocks> _mms = [];
    private readonly Dictionary<(int Pid, string Comm, ulong Mm, LockMode Mode, bool Binder), LockBlocker> _blockers = [];
    private readonly Dictionary<(int Pid, ulong Mm), TaskLockUsage> _usage = [];
    private readonly Stack<OpenWait> _freeWaits = new();
    private readonly Stack<OpenHold> _freeHolds = new();
    private readonly AnalysisCounters _counters;
    private readonly IBinderActivity _activity;
    private readonly IAnalysisSink? _sink;

    // Holds open over all tasks: binder page events are frequent and mostly come while no task holds an mmap_lock.
    private int _openHolds;

    public MmapLockTracker(AnalysisCounters counters, IBinderActivity activity, IAnalysisSink? sink)
    {
        _counters = counters;
        _activity = activity;
        _sink = sink;
    }

    public IEnumerable<MmLockStatistics> ByMm => _mms.Values.Select(m => m.Stats);

    public IEnumerable<LockBlocker> Blockers => _blockers.Values;

    /// <summary>Per task and mm: holds and waits per mode, binder's part (memory: one entry per task and mm it locked).</summary>
    public IEnumerable<TaskLockUsage> TaskUsage => _usage.Values;

    /// <summary>The binder process whose mapping is in <paramref name="mm"/>, or -1 when not (yet) known.</summary>
    public int OwnerOf(ulong mm) => _mms.TryGetValue(mm, out var locks) ? locks.Stats.OwnerProc : -1;

    public void OnEvent(in TraceEvent e)
    {
        var lockEvent = e.MmapLock;
        var mode = lockEvent.Write ? LockMode.Write : LockMode.Read;
        switch (e.Kind)
        {
            case EventKind.MmapLockStartLocking:
                OnStartLocking(e, lockEvent.Mm, mode);
                break;
            case EventKind.MmapLockAcquireReturned:
                OnAcquireReturned(e, lockEvent.Mm, mode, lockEvent.Success);
                break;
            case EventKind.MmapLockReleased:
                OnReleased(e, lockEvent.Mm, mode);
                break;
        }
    }

    /// <summary>A binder page event fired on <paramref name="pid"/>: every lock it holds now encloses binder work.</summary>
    public void OnBinderPageEvent(int pid, int proc)
    {
        if (_openHolds == 0 || !_tasks.TryGetValue(pid, out var task))
        {
            return;
        }

        foreach (var hold in CollectionsMarshal.AsSpan(task.Holds))
        {
            MarkBinder(hold, proc);
        }
    }

    /// <summary>Events were lost on <paramref name="cpu"/>: holds and waits last touched there are dropped, uncounted.</summary>
    public void OnLostEvents(int cpu)
    {
        foreach (var task in _tasks.Values)
        {
            if (task.Pending is { } wait && wait.Cpu == cpu)
            {
                DropWait(task, wait);
                _counters.Increment("lock_waits_uncertain_after_lost_events");
            }

            for (var i = task.Holds.Count - 1; i >= 0; i--)
            {
                var hold = task.Holds[i];
                if (hold.Cpu == cpu)
                {
                    DropHold(task, hold);
                    _counters.Increment("lock_holds_uncertain_after_lost_events");
                }
            }
        }
    }

    /// <summary>End of trace: holds still open are counted and their waits reported; pending waits are counted.</summary>
    public void Finish()
    {
        foreach (var task in _tasks.Values)
        {
            if (task.Pending is { } wait)
            {
                DropWait(task, wait);
                _counters.Increment("lock_waits_open_at_trace_end");
            }

            for (var i = task.Holds.Count - 1; i >= 0; i--)
            {
                var hold = task.Holds[i];
                if (hold.Wait is { } holdWait)
                {
                    RecordWait(hold.Mm, holdWait, hold.Binder, success: true);
                }

                DropHold(task, hold);
                _counters.Increment("lock_holds_open_at_trace_end");
            }
        }
    }

    private void OnStartLocking(in TraceEvent e, ulong mm, LockMode mode)
    {
        var task = TaskFor(e.Pid);
        if (task.Pending is { } stale)
        {
            DropWait(task, stale);
            _counters.Increment("lock_start_without_acquire");
        }

        var wait = _freeWaits.Count > 0 ? _freeWaits.Pop() : new OpenWait();
        wait.Pid = e.Pid;
        wait.Comm = e.Comm;
        wait.Mm = mm;
        wait.Mode = mode;
        wait.Start = e.Timestamp;
        wait.End = e.Timestamp;
        wait.Cpu = e.Cpu;
        task.Pending = wait;
        var locks = MmFor(mm);
        locks.Waiters.Add(wait);
        foreach (var holder in CollectionsMarshal.AsSpan(locks.Holders))
        {
            if (holder.Pid != e.Pid && Conflicts(mode, holder.Mode))
            {
                wait.Blockers.Add(holder);
                holder.BlockedWaits.Add(wait);
            }
        }
    }

    private void OnAcquireReturned(in TraceEvent e, ulong mm, LockMode mode, bool success)
    {
        var task = TaskFor(e.Pid);
        var locks = MmFor(mm);
        OpenWait? wait = null;
        if (task.Pending is { } pending)
        {
            if (pending.Mm == mm && pending.Mode == mode)
            {
                wait = pending;
                task.Pending = null;
                locks.Waiters.Remove(wait);
                CompleteWait(wait, e.Timestamp);
            }
            else
            {
                DropWait(task, pending);
                _counters.Increment("lock_start_without_acquire");
            }
        }

        if (!success)
        {
            if (wait is null)
            {
                locks.Stats.FailedTrylocks++;
            }
            else
            {
                locks.Stats.FailedLocks++;
                RecordWait(mm, wait, _activity.BinderProcOf(e.Pid) >= 0, success: false);
                _freeWaits.Push(wait);
            }

            return;
        }

        var inheritedBinder = false;
        if (wait is null && mode == LockMode.Read && FindHold(task, mm, LockMode.Write) is { } writeHold)
        {
            inheritedBinder = writeHold.Binder;
            CloseHold(task, writeHold, e.Timestamp);
            locks.Stats.Downgrades++;
        }
        else if (wait is null)
        {
            locks.Stats.TrylockAcquires++;
        }

        var hold = _freeHolds.Count > 0 ? _freeHolds.Pop() : new OpenHold();
        hold.Pid = e.Pid;
        hold.Comm = e.Comm;
        hold.Mm = mm;
        hold.Mode = mode;
        hold.Start = e.Timestamp;
        hold.Cpu = e.Cpu;
        hold.Wait = wait;
        hold.Binder = false;
        hold.WaitsBlocked = 0;
        hold.BlockedNs = 0;
        var proc = _activity.BinderProcOf(e.Pid);
        if (proc >= 0 || inheritedBinder)
        {
            MarkBinder(hold, proc);
        }

        foreach (var other in CollectionsMarshal.AsSpan(locks.Holders))
        {
            if (Conflicts(mode, other.Mode))
            {
                _counters.Increment("lock_writer_overlaps_other_holder");
                break;
            }
        }

        task.Holds.Add(hold);
        _openHolds++;
        locks.Holders.Add(hold);
        foreach (var waiter in CollectionsMarshal.AsSpan(locks.Waiters))
        {
            if (waiter.Pid != e.Pid && Conflicts(waiter.Mode, mode))
            {
                waiter.Blockers.Add(hold);
                hold.BlockedWaits.Add(waiter);
            }
        }
    }

    private void OnReleased(in TraceEvent e, ulong mm, LockMode mode)
    {
        var task = TaskFor(e.Pid);
        if (FindHold(task, mm, mode) is { } hold)
        {
            CloseHold(task, hold, e.Timestamp);
            return;
        }

        MmFor(mm).Stats.UnmatchedReleases++;
        _counters.Increment("lock_release_without_acquire");
    }

    private void MarkBinder(OpenHold hold, int proc)
    {
        hold.Binder = true;
        if (proc >= 0 && MmFor(hold.Mm).Stats is { OwnerProc: < 0 } stats)
        {
            stats.OwnerProc = proc;
        }
    }

    private void CloseHold(TaskLocks task, OpenHold hold, long end)
    {
        var locks = MmFor(hold.Mm);
        if (task.Holds.Remove(hold))
        {
            _openHolds--;
        }
        locks.Holders.Remove(hold);
        foreach (var blocked in CollectionsMarshal.AsSpan(hold.BlockedWaits))
        {
            NoteOverlap(blocked, hold, end);
            blocked.Blockers.Remove(hold);
        }

        hold.BlockedWaits.Clear();
        var duration = end - hold.Start;
        locks.Stats.HoldNs(hold.Mode).Add(duration);
        if (hold.Binder)
        {
            locks.Stats.BinderHoldNs(hold.Mode).Add(duration);
        }

        UsageOf(hold.Pid, hold.Comm, hold.Mm).AddHold(hold.Mode, duration, hold.Binder);
        var record = new MmapLockHold(hold.Pid, hold.Comm, hold.Mm, hold.Mode, hold.Binder, hold.Start, end);
        _sink?.OnLockHold(record);
        if (hold.Wait is { } wait)
        {
            RecordWait(hold.Mm, wait, hold.Binder, success: true);
        }

        if (hold.WaitsBlocked > 0)
        {
            var key = (hold.Pid, hold.Comm, hold.Mm, hold.Mode, hold.Binder);
            if (!_blockers.TryGetValue(key, out var blocker))
            {
                blocker = new LockBlocker(hold.Pid, hold.Comm, hold.Mm, hold.Mode, hold.Binder);
                _blockers[key] = blocker;
            }

            blocker.WaitsBlocked += hold.WaitsBlocked;
            blocker.BlockedNs += hold.BlockedNs;
            _sink?.OnLockHoldBlocked(record, hold.WaitsBlocked, hold.BlockedNs);
            if (hold.Binder)
            {
                locks.Stats.BlockedByBinderNs += hold.BlockedNs;
            }
            else
            {
                locks.Stats.BlockedByOtherNs += hold.BlockedNs;
            }
        }

        Recycle(hold);
    }

    private void Recycle(OpenHold hold)
    {
        if (hold.Wait is { } wait)
        {
            _freeWaits.Push(wait);
            hold.Wait = null;
        }

        _freeHolds.Push(hold);
    }

    private void CompleteWait(OpenWait wait, long end)
    {
        wait.End = end;
        foreach (var holder in CollectionsMarshal.AsSpan(wait.Blockers))
        {
            NoteOverlap(wait, holder, end);
            holder.BlockedWaits.Remove(wait);
        }

        wait.Blockers.Clear();
    }

    private void NoteOverlap(OpenWait wait, OpenHold holder, long end)
    {
        var overlap = end - Math.Max(wait.Start, holder.Start);
        holder.WaitsBlocked++;
        holder.BlockedNs += Math.Max(overlap, 0);
        _sink?.OnLockBlocker(new MmapLockBlocker(
            wait.Pid, wait.Comm, wait.Mm, wait.Mode, wait.Start, holder.Pid, holder.Comm, holder.Mode, holder.Binder,
            Math.Max(overlap, 0)));
    }

    private void RecordWait(ulong mm, OpenWait wait, bool binder, bool success)
    {
        var stats = MmFor(mm).Stats;
        var duration = wait.End - wait.Start;
        stats.WaitNs(wait.Mode).Add(duration);
        if (binder)
        {
            stats.BinderWaitNs(wait.Mode).Add(duration);
        }

        UsageOf(wait.Pid, wait.Comm, mm).AddWait(wait.Mode, duration);
        _sink?.OnLockWait(new MmapLockWait(wait.Pid, wait.Comm, mm, wait.Mode, binder, success, wait.Start, wait.End));
    }

    private void DropWait(TaskLocks task, OpenWait wait)
    {
        task.Pending = null;
        MmFor(wait.Mm).Waiters.Remove(wait);
        foreach (var holder in CollectionsMarshal.AsSpan(wait.Blockers))
        {
            holder.BlockedWaits.Remove(wait);
        }

        wait.Blockers.Clear();
        _freeWaits.Push(wait);
    }

    private void DropHold(TaskLocks task, OpenHold hold)
    {
        if (task.Holds.Remove(hold))
        {
            _openHolds--;
        }
        MmFor(hold.Mm).Holders.Remove(hold);
        foreach (var wait in CollectionsMarshal.AsSpan(hold.BlockedWaits))
        {
            wait.Blockers.Remove(hold);
        }

        hold.BlockedWaits.Clear();
        Recycle(hold);
    }

    private TaskLockUsage UsageOf(int pid, string comm, ulong mm)
    {
        if (!_usage.TryGetValue((pid, mm), out var usage))
        {
            usage = new TaskLockUsage(pid, comm, mm);
            _usage[(pid, mm)] = usage;
        }

        return usage;
    }

    private static OpenHold? FindHold(TaskLocks task, ulong mm, LockMode mode)
    {
        for (var i = task.Holds.Count - 1; i >= 0; i--)
        {
            if (task.Holds[i].Mm == mm && task.Holds[i].Mode == mode)
            {
                return task.Holds[i];
            }
        }

        return null;
    }

    private static bool Conflicts(LockMode a, LockMode b) => a == LockMode.Write || b == LockMode.Write;

    private TaskLocks TaskFor(int pid)
    {
        if (!_tasks.TryGetValue(pid, out var task))
        {
            task = new TaskLocks();
            _tasks.Add(pid, task);
        }

        return task;
    }

    private MmLocks MmFor(ulong mm)
    {
        if (!_mms.TryGetValue(mm, out var locks))
        {
            locks = new MmLocks(mm);
            _mms[mm] = locks;
        }

        return locks;
    }
}
