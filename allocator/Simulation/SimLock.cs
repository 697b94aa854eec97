using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// A kernel lock in virtual time. Waiters queue FIFO; a release hands the lock to waiters and wakes them through
/// the scheduler. Spinning locks keep their waiters on the CPU; sleeping locks give the CPU up.
/// </summary>
internal abstract class SimLock(Scheduler scheduler, string name)
{
    private readonly LinkedList<(SimTask Task, LockMode Mode)> _waiters = new();

    public string Name { get; } = name;

    public abstract bool Spins { get; }

    protected Scheduler Scheduler { get; } = scheduler;

    protected int WaiterCount => _waiters.Count;

    /// <summary>Takes the lock if it is free for <paramref name="mode"/> right now (also the trylock semantics).</summary>
    public abstract bool TryAcquire(SimTask task, LockMode mode);

    /// <summary>
    /// A blocking acquire's attempt before it queues: the trylock's rule unless the lock's slow path may take it
    /// where a trylock may not (<see cref="SimRwSemaphore"/>'s reader lock stealing).
    /// </summary>
    public virtual bool TryAcquireBlocking(SimTask task, LockMode mode) => TryAcquire(task, mode);

    public abstract void Release(SimTask task, LockMode mode);

    /// <summary>Called by the scheduler when <see cref="TryAcquire"/> failed in a blocking acquire.</summary>
    public virtual void Enqueue(SimTask task, LockMode mode) => _waiters.AddLast((task, mode));

    /// <summary>A woken waiter that lost the race for the lock goes back to the head of the queue.</summary>
    public virtual void EnqueueFront(SimTask task, LockMode mode) => _waiters.AddFirst((task, mode));

    protected bool TryPeekWaiter(out LockMode mode)
    {
        mode = _waiters.First?.Value.Mode ?? LockMode.Write;
        return _waiters.First is not null;
    }

    /// <summary>Wakes the head waiter without giving it the lock: it competes again when it runs.</summary>
    protected SimTask HeadWaiter => _waiters.First!.Value.Task;

    protected SimTask WakeHeadToRetry(long latencyNs = -1)
    {
        var (task, mode) = _waiters.First!.Value;
        _waiters.RemoveFirst();
        Scheduler.WakeToRetry(task, this, mode, latencyNs);
        return task;
    }

    /// <summary>Grants the lock to the head waiter (the caller has checked it may have it) and wakes it.</summary>
    protected SimTask GrantHead()
    {
        var (task, _) = _waiters.First!.Value;
        _waiters.RemoveFirst();
        Scheduler.Grant(task, Spins);
        return task;
    }

    /// <summary>Grants to every shared waiter in the queue, leaving exclusive waiters queued in order.</summary>
    protected int GrantAllShared(int max)
    {
        var granted = 0;
        var node = _waiters.First;
        while (node is not null)
        {
            var next = node.Next;
            if (node.Value.Mode == LockMode.Read && granted < max)
            {
                granted++;
                _waiters.Remove(node);
                Scheduler.Grant(node.Value.Task, Spins);
            }

            node = next;
        }

        return granted;
    }
}

/// <summary>
/// <c>struct mutex</c>: one owner, sleeping FIFO waiters. Unlock clears the owner and wakes the first waiter,
/// which competes again when it runs (no hand-off flag modelled): until then a trylock or a newcomer's fast path
/// may take the mutex, and the loser returns to the head of the queue.
/// </summary>
internal sealed class SimMutex(Scheduler scheduler, string name) : SimLock(scheduler, name)
{
    private SimTask? _owner;

    public override bool Spins => false;

    public override bool TryAcquire(SimTask task, LockMode mode)
    {
        if (_owner is not null)
        {
            return false;
        }

        _owner = task;
        return true;
    }

    public override void Release(SimTask task, LockMode mode)
    {
        _owner = null;
        if (WaiterCount > 0)
        {
            var head = HeadWaiter;
            var latency = head.MutexWakeLatencyNs;
            head.MutexWakeLatencyNs = -1;
            WakeHeadToRetry(latency);
        }
    }
}

/// <summary>A ticket <c>spinlock_t</c>: FIFO, waiters spin on their CPU; holding one raises the preempt depth.</summary>
internal sealed class SimSpinLock(Scheduler scheduler, string name) : SimLock(scheduler, name)
{
    private SimTask? _owner;

    public override bool Spins => true;

    public override bool TryAcquire(SimTask task, LockMode mode)
    {
        if (_owner is not null || WaiterCount > 0)
        {
            return false;
        }

        _owner = task;
        task.SpinDepth++;
        return true;
    }

    public override void Release(SimTask task, LockMode mode)
    {
        task.SpinDepth--;
        _owner = WaiterCount > 0 ? GrantHead() : null;
        if (_owner is not null)
        {
            _owner.SpinDepth++;
        }
    }
}

/// <summary>
/// <c>struct rw_semaphore</c> as mmap_lock uses it (kernel/locking/rwsem.c since 5.3). A new reader's fast path fails
/// while anyone waits; it then queues behind the waiters, or with <paramref name="readerStealing"/> (5.11+) first takes
/// a lock nobody holds and nobody has handed off; a trylock fails while anyone waits (<c>RWSEM_READ_FAILED_MASK</c>). A reader at the head is granted the lock with every
/// queued reader (up to 256, <c>rwsem_mark_wake</c>). Writers, with <paramref name="writerStealing"/> (the kernel's
/// behaviour; replays turn it on): an unlock wakes the head writer, which takes the lock itself once it runs, and
/// until then a writer that arrives while the lock is free takes it first (optimistic spinning /
/// <c>rwsem_try_write_lock_unqueued</c>); a woken writer that loses after waiting <see cref="WaitTimeoutNs"/> sets
/// <c>RWSEM_FLAG_HANDOFF</c>, and nobody else may take the lock before it. Without it (the presets, whose documented
/// figures were made so) the head writer is handed the lock at the unlock and arriving writers queue behind it.
/// </summary>
/// <param name="writerWakeLatencyNs">
/// Time from the unlock to the woken writer running, unless the writer brings its own
/// (<see cref="SimTask.MmapWriterWakeLatencyNs"/>); -1: the scheduler's wake latency.
/// </param>
/// <param name="writerStealing">Writers are woken to compete instead of being handed the lock.</param>
/// <param name="readerStealing">
/// A blocking reader takes a lock that is free (neither writer- nor reader-owned) and not handed off, even while
/// writers wait (<c>rwsem_down_read_slowpath</c>, "reader optimistic lock stealing", since 5.11); the trylock still
/// fails while anyone waits.
/// </param>
internal sealed class SimRwSemaphore(Scheduler scheduler, string name, long writerWakeLatencyNs = -1, bool writerStealing = false, bool readerStealing = false)
    : SimLock(scheduler, name)
{
    /// <summary>RWSEM_WAIT_TIMEOUT = DIV_ROUND_UP(HZ, 250) jiffies: one 4 ms jiffy with Debian's CONFIG_HZ=250.</summary>
    public const long WaitTimeoutNs = 4_000_000;

    private const int MaxReadersWakeup = 256;

    private readonly Dictionary<SimTask, long> _waitingSince = [];
    private SimTask? _writer;
    private SimTask? _wokenWriter;
    private SimTask? _handoffTo;
    private int _readers;

    public override bool Spins => false;

    public bool IsWriteLocked => _writer is not null;

    /// <summary>Waiters in the kernel's sense: queued, or a woken writer that has not taken the lock yet.</summary>
    private bool HasWaiters => WaiterCount > 0 || _wokenWriter is not null;

    public override bool TryAcquire(SimTask task, LockMode mode)
    {
        if (mode == LockMode.Read)
        {
            if (_writer is not null || HasWaiters || _handoffTo is not null)
            {
                return false;
            }

            _readers++;
            return true;
        }

        if (!writerStealing)
        {
            if (_writer is not null || _readers > 0 || WaiterCount > 0)
            {
                return false;
            }

            _writer = task;
            return true;
        }

        var waiter = _waitingSince.TryGetValue(task, out var since);
        if (_writer is not null || _readers > 0 || (_handoffTo is not null && _handoffTo != task))
        {
            if (waiter && _handoffTo is null && Scheduler.Now - since >= WaitTimeoutNs)
            {
                _handoffTo = task;
            }

            if (_wokenWriter == task)
            {
                _wokenWriter = null;
            }

            return false;
        }

        _writer = task;
        _waitingSince.Remove(task);
        if (_wokenWriter == task)
        {
            _wokenWriter = null;
        }

        if (_handoffTo == task)
        {
            _handoffTo = null;
        }

        return true;
    }

    /// <summary>
    /// <c>rwsem_down_read_slowpath</c>: with <paramref name="mode"/> Read and reader stealing, a reader whose fast path
    /// failed only because writers wait takes the lock when no writer holds it, no hand-off is set and no other reader
    /// holds it (with readers inside it queues, so a stream of readers does not starve the writers); being the first
    /// reader it also wakes the readers queued at the head (<c>rwsem_mark_wake(RWSEM_WAKE_READ_OWNED)</c>, which
    /// wakes nobody when a writer is first).
    /// </summary>
    public override bool TryAcquireBlocking(SimTask task, LockMode mode)
    {
        if (TryAcquire(task, mode))
        {
            return true;
        }

        if (mode != LockMode.Read || !readerStealing || _writer is not null || _handoffTo is not null || _readers > 0)
        {
            return false;
        }

        _readers++;
        if (_wokenWriter is null && TryPeekWaiter(out var head) && head == LockMode.Read)
        {
            _readers += GrantAllShared(MaxReadersWakeup);
        }

        return true;
    }

    public override void Enqueue(SimTask task, LockMode mode)
    {
        if (mode == LockMode.Write && writerStealing)
        {
            _waitingSince.TryAdd(task, Scheduler.Now);
        }

        base.Enqueue(task, mode);
    }

    public override void Release(SimTask task, LockMode mode)
    {
        if (mode == LockMode.Write)
        {
            _writer = null;
        }
        else
        {
            _readers--;
        }

        WakeWaiters();
    }

    /// <summary><c>mmap_write_downgrade</c>: the writer becomes a reader and queued readers may join it.</summary>
    public void Downgrade(SimTask task)
    {
        _writer = null;
        _readers++;

        // RWSEM_WAKE_READ_OWNED: a writer at the head stays asleep and keeps everyone behind it waiting.
        if (TryPeekWaiter(out var mode) && mode == LockMode.Read)
        {
            _readers += GrantAllShared(MaxReadersWakeup);
        }
    }

    private void WakeWaiters()
    {
        if (_writer is not null || _wokenWriter is not null || !TryPeekWaiter(out var mode))
        {
            return;
        }

        if (mode == LockMode.Write)
        {
            if (_readers == 0 && writerStealing)
            {
                var own = HeadWaiter.MmapWriterWakeLatencyNs;
                HeadWaiter.MmapWriterWakeLatencyNs = -1;
                _wokenWriter = WakeHeadToRetry(own >= 0 ? own : writerWakeLatencyNs);
            }
            else if (_readers == 0)
            {
                _writer = GrantHead();
            }

            return;
        }

        _readers += GrantAllShared(MaxReadersWakeup);
    }
}
