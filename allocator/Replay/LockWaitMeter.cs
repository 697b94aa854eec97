namespace BinderTrace.Allocator.Replay;

/// <summary>
/// A task's time runnable but off CPU while it waited for an mmap_lock, from its own <c>sched_switch</c> and
/// <c>sched_wakeup</c>. The lock sleep itself (D state) is not here: the simulator models the wait for the holders.
/// </summary>
/// <param name="WakeNs">
/// From each wake-up to running again: replayed as a writer's own wake latency when the simulated lock wakes it, in
/// place of the calibrated median.
/// </param>
/// <param name="PreemptedNs">Preempted while spinning for the lock (no sleep): replayed as time off CPU before the task tries the lock.</param>
public readonly record struct LockWaitOffCpu(long WakeNs, long PreemptedNs);

/// <summary>
/// Measures <see cref="LockWaitOffCpu"/> for every mmap_lock wait (start_locking → acquire_returned). The state kept
/// is the tasks waiting now.
/// </summary>
internal sealed class LockWaitMeter
{
    private readonly Dictionary<int, Wait> _waiting = [];

    /// <summary>mmap_lock_start_locking of <paramref name="pid"/>.</summary>
    public void OnStartLocking(int pid) => _waiting[pid] = new Wait();

    /// <summary>mmap_lock_acquire_returned (either outcome) of <paramref name="pid"/>: its wait is over.</summary>
    public LockWaitOffCpu OnLockWaitOver(int pid) =>
        _waiting.Remove(pid, out var w) ? new LockWaitOffCpu(w.WakeNs, w.PreemptedNs) : default;

    /// <param name="prevRunnable">prev_state R or R+: the task was preempted, not put to sleep.</param>
    public void OnSwitch(int prevPid, bool prevRunnable, int nextPid, long ts)
    {
        if (_waiting.TryGetValue(nextPid, out var back) && back.OffAt >= 0)
        {
            if (back.WokenAt >= 0)
            {
                back.WakeNs += ts - back.WokenAt;
            }
            else if (back.OffRunnable)
            {
                back.PreemptedNs += ts - back.OffAt;
            }

            back.OffAt = -1;
            back.WokenAt = -1;
        }

        if (_waiting.TryGetValue(prevPid, out var gone))
        {
            gone.OffAt = ts;
            gone.OffRunnable = prevRunnable;
            gone.WokenAt = -1;
        }
    }

    public void OnWakeup(int wokenPid, long ts)
    {
        if (_waiting.TryGetValue(wokenPid, out var w) && w.OffAt >= 0 && w.WokenAt < 0)
        {
            w.WokenAt = ts;
        }
    }

    private sealed class Wait
    {
        public long OffAt { get; set; } = -1;

        public bool OffRunnable { get; set; }

        public long WokenAt { get; set; } = -1;

        public long WakeNs { get; set; }

        public long PreemptedNs { get; set; }
    }
}
