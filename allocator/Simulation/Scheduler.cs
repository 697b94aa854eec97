using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// Discrete-event scheduler in virtual time (ns) over a fixed number of CPUs. Tasks are coroutines of
/// <see cref="Step"/>s; a task computes only while it owns a CPU, gives the CPU up when it sleeps, blocks or
/// waits on a sleeping lock, and keeps it while spinning. Ties in time are broken by insertion order, so a run
/// is a pure function of its inputs. No preemption: a task keeps its CPU until it stops computing.
/// </summary>
internal sealed class Scheduler
{
    private readonly Timeline _timeline = new();
    private readonly SimTask?[] _cpus;
    private readonly Queue<SimTask> _runQueue = new();
    private readonly long _wakeLatencyNs;
    private readonly long _spinHandoffNs;

    public Scheduler(int cpuCount, long wakeLatencyNs, long spinHandoffNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cpuCount, 1);
        _cpus = new SimTask?[cpuCount];
        _wakeLatencyNs = wakeLatencyNs;
        _spinHandoffNs = spinHandoffNs;
    }

    public long Now { get; private set; }

    /// <summary>Virtual time at which the run stops; work is never carried past it.</summary>
    public long Horizon { get; set; } = long.MaxValue;

    public bool HasPending => _timeline.Count > 0;

    /// <summary>Virtual time of the earliest pending wake-up (long.MaxValue when none).</summary>
    public long NextTime => _timeline.PeekTime;

    /// <summary>Makes <paramref name="task"/> runnable at <paramref name="at"/>.</summary>
    public void Start(SimTask task, long at) => Schedule(task, at, needsCpu: true);

    /// <summary>Wakes a blocked task (work arrived); it runs once a CPU is free.</summary>
    public void Wake(SimTask task) => Schedule(task, Now + _wakeLatencyNs, needsCpu: true);

    /// <summary>A lock was handed to a waiter: a spinner continues on its CPU, a sleeper is woken.</summary>
    public void Grant(SimTask task, bool spins)
    {
        if (spins)
        {
            Schedule(task, Now + _spinHandoffNs, needsCpu: false);
        }
        else
        {
            Wake(task);
        }
    }

    /// <summary>Wakes a lock waiter that must take <paramref name="simLock"/> itself once it runs.</summary>
    public void WakeToRetry(SimTask task, SimLock simLock, LockMode mode, long latencyNs = -1)
    {
        task.RetryLock = simLock;
        task.RetryMode = mode;
        Schedule(task, Now + (latencyNs >= 0 ? latencyNs : _wakeLatencyNs), needsCpu: true);
    }

    /// <summary>Runs the earliest pending wake-up. False when nothing is pending.</summary>
    public bool RunNext()
    {
        if (!_timeline.TryPop(out var time, out var task, out var needsCpu))
        {
            return false;
        }

        Now = time;
        if (!needsCpu)
        {
            Advance(task);
            return true;
        }

        var cpu = FindFreeCpu(task.Cpu);
        if (cpu < 0)
        {
            _runQueue.Enqueue(task);
            return true;
        }

        Occupy(task, cpu);
        Advance(task);
        return true;
    }

    private void Advance(SimTask task)
    {
        if (task.RetryLock is { } retry)
        {
            // Woken by a mutex unlock: take the mutex now or go back to the head of its queue.
            task.RetryLock = null;
            if (!retry.TryAcquire(task, task.RetryMode))
            {
                retry.EnqueueFront(task, task.RetryMode);
                LeaveCpu(task);
                return;
            }
        }

        while (task.TryNextStep(out var step))
        {
            switch (step.Kind)
            {
                case StepKind.Run:
                    var at = Now + step.Duration;

                    // Nothing else is due before this task finishes computing: continuing now is exactly what
                    // a round trip through the timeline would do, minus the heap operations.
                    if (at < Horizon && at < NextTime)
                    {
                        Now = at;
                        continue;
                    }

                    Schedule(task, at, needsCpu: false);
                    return;
                case StepKind.Sleep:
                    LeaveCpu(task);
                    Schedule(task, Now + step.Duration, needsCpu: true);
                    return;
                case StepKind.Block:
                    LeaveCpu(task);
                    return;
                case StepKind.Call:
                    task.Push(step.Callee!);
                    continue;
                case StepKind.Acquire:
                    if (step.Lock!.TryAcquireBlocking(task, step.Mode))
                    {
                        continue;
                    }

                    step.Lock.Enqueue(task, step.Mode);
                    if (!step.Lock.Spins)
                    {
                        LeaveCpu(task);
                    }

                    return;
                default:
                    throw new InvalidOperationException($"unknown step {step.Kind}");
            }
        }

        LeaveCpu(task);
    }

    private void Schedule(SimTask task, long at, bool needsCpu) => _timeline.Push(at, task, needsCpu);

    private int FindFreeCpu(int preferred)
    {
        if (preferred >= 0 && _cpus[preferred] is null)
        {
            return preferred;
        }

        for (var i = 0; i < _cpus.Length; i++)
        {
            if (_cpus[i] is null)
            {
                return i;
            }
        }

        return -1;
    }

    private void Occupy(SimTask task, int cpu)
    {
        _cpus[cpu] = task;
        task.Cpu = cpu;
        task.OnCpu = true;
    }

    private void LeaveCpu(SimTask task)
    {
        if (!task.OnCpu)
        {
            return;
        }

        _cpus[task.Cpu] = null;
        task.OnCpu = false;
        if (_runQueue.TryDequeue(out var next))
        {
            Occupy(next, task.Cpu);
            Schedule(next, Now, needsCpu: false);
        }
    }
}
