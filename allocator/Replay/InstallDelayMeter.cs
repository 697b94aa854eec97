namespace BinderTrace.Allocator.Replay;

/// <summary>
/// What one install window of a send (<c>binder_alloc_page_start</c> … <c>binder_alloc_page_end</c>) spent off CPU
/// for reasons the simulator does not model, measured from the sender's own scheduler events in that window.
/// </summary>
/// <param name="WorkOffCpuNs">
/// Off CPU while doing the window's work (holding the mmap lock, or outside any lock wait): preempted, or asleep on
/// something that is not the mmap lock (e.g. in alloc_page), including the CPU wait after the wake-up.
/// </param>
/// <param name="Lock">Waiting for the mmap lock in this window, runnable but off CPU (see <see cref="LockWaitOffCpu"/>).</param>
public readonly record struct InstallDelay(long WorkOffCpuNs, LockWaitOffCpu Lock);

/// <summary>
/// A task's time runnable but off CPU while it waited for an mmap_lock. The lock sleep itself (D state) is not here:
/// the simulator models that wait.
/// </summary>
/// <param name="WakeNs">From each wake-up to running again: replayed as the task's own wake latency when the simulated lock wakes it.</param>
/// <param name="PreemptedNs">Preempted while spinning for the lock (no sleep): replayed as time off CPU before the task tries the lock.</param>
public readonly record struct LockWaitOffCpu(long WakeNs, long PreemptedNs)
{
    public bool IsZero => WakeNs == 0 && PreemptedNs == 0;
}

/// <summary>
/// Measures <see cref="InstallDelay"/> for every install window of every send, and for every other mmap_lock wait
/// the waiter's time runnable but off CPU, from <c>sched_switch</c> and <c>sched_wakeup</c> of the task. The state
/// kept is the tasks with an open window or lock wait and the windows of the sends not yet allocated.
/// </summary>
internal sealed class InstallDelayMeter
{
    private readonly Dictionary<int, List<InstallDelay>> _bySender = [];
    private readonly Dictionary<int, Window> _open = [];
    private readonly Dictionary<int, Window> _lockWaits = [];

    public bool SawScheduler { get; private set; }

    /// <summary>binder_transaction of <paramref name="pid"/>: its next windows belong to this send.</summary>
    public void OnTransaction(int pid)
    {
        _bySender.Remove(pid);
        _open.Remove(pid);
    }

    public void OnWindowStart(int pid) => _open[pid] = new Window();

    public void OnWindowEnd(int pid)
    {
        if (!_open.Remove(pid, out var w))
        {
            return;
        }

        if (!_bySender.TryGetValue(pid, out var list))
        {
            list = [];
            _bySender[pid] = list;
        }

        list.Add(new InstallDelay(w.WorkOffCpuNs, new LockWaitOffCpu(w.LockWakeNs, w.LockPreemptedNs)));
    }

    /// <summary>mmap_lock_start_locking of <paramref name="pid"/>: it now waits for the lock.</summary>
    public void OnStartLocking(int pid)
    {
        if (_open.TryGetValue(pid, out var w))
        {
            w.Waiting = true;
        }
        else
        {
            _lockWaits[pid] = new Window { Waiting = true };
        }
    }

    /// <summary>
    /// mmap_lock_acquire_returned (either outcome) or released: the lock wait, if any, is over. Returns, for a wait
    /// outside an install window, the time the waiter was runnable but off CPU (0 inside a window: that time is the
    /// window's).
    /// </summary>
    public LockWaitOffCpu OnLockWaitOver(int pid)
    {
        if (_open.TryGetValue(pid, out var w))
        {
            w.Waiting = false;
        }

        return _lockWaits.Remove(pid, out var wait) ? new LockWaitOffCpu(wait.LockWakeNs, wait.LockPreemptedNs) : default;
    }

    /// <param name="prevRunnable">prev_state R or R+: the task was preempted, not put to sleep.</param>
    public void OnSwitch(int prevPid, bool prevRunnable, int nextPid, long ts)
    {
        SawScheduler = true;
        if (Tracked(nextPid) is { OffAt: >= 0 } back)
        {
            var off = ts - back.OffAt;
            if (!back.Waiting)
            {
                back.WorkOffCpuNs += off;
            }
            else if (back.WokenAt >= 0)
            {
                back.LockWakeNs += ts - back.WokenAt;
            }
            else if (back.OffRunnable)
            {
                back.LockPreemptedNs += off;
            }

            back.OffAt = -1;
            back.WokenAt = -1;
        }

        if (Tracked(prevPid) is { } gone)
        {
            gone.OffAt = ts;
            gone.OffRunnable = prevRunnable;
            gone.WokenAt = -1;
        }
    }

    public void OnWakeup(int wokenPid, long ts)
    {
        if (Tracked(wokenPid) is { OffAt: >= 0, WokenAt: < 0 } w)
        {
            w.WokenAt = ts;
        }
    }

    /// <summary>binder_transaction_alloc_buf of <paramref name="pid"/>: the windows of its send, in order.</summary>
    public IReadOnlyList<InstallDelay> Take(int pid)
    {
        _open.Remove(pid);
        return _bySender.Remove(pid, out var list) && list.Exists(d => d.WorkOffCpuNs > 0 || !d.Lock.IsZero) ? list : [];
    }

    private Window? Tracked(int pid) => _open.TryGetValue(pid, out var w) ? w : _lockWaits.GetValueOrDefault(pid);

    /// <summary>An install window, or a lock wait outside one (then only the lock wait's fields count).</summary>
    private sealed class Window
    {
        public bool Waiting { get; set; }

        public long OffAt { get; set; } = -1;

        public bool OffRunnable { get; set; }

        public long WokenAt { get; set; } = -1;

        public long WorkOffCpuNs { get; set; }

        public long LockWakeNs { get; set; }

        public long LockPreemptedNs { get; set; }
    }
}
