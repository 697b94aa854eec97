using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Tests;

public sealed class LockSemanticsTests
{
    [Fact]
    public void Rwsem_reader_arriving_behind_a_waiting_writer_waits_for_it()
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm");
        var order = new List<string>();

        // t=0 reader A holds 100; t=10 writer W queues; t=20 reader B arrives. Fair: B after W, so W at 100, B at 150.
        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Read, 100, "A", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 50, "W", order, scheduler));
        Start(scheduler, 3, 20, Hold(rwsem, LockMode.Read, 10, "B", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["A@0", "W@100", "B@150"], order);
    }

    [Fact]
    public void Rwsem_writer_arriving_while_the_woken_writer_wakes_takes_the_lock_first()
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm", writerWakeLatencyNs: 50, writerStealing: true);
        var order = new List<string>();

        // A holds 0-100; W1 queues at 10. A's unlock wakes W1, which runs at 150. W2 arrives at 120 to a free lock
        // and takes it (stealing) until 220; W1 loses at 150, queues again, is woken at 220 and runs at 270.
        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Write, 100, "A", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 100, "W1", order, scheduler));
        Start(scheduler, 3, 120, Hold(rwsem, LockMode.Write, 100, "W2", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["A@0", "W2@120", "W1@270"], order);
    }

    [Fact]
    public void Rwsem_without_writer_stealing_hands_the_lock_to_the_head_writer()
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm");
        var order = new List<string>();

        // The presets' model: A's unlock at 100 hands the lock to W1 (wake latency 0); W2, arriving at 120, queues
        // behind it and gets it at W1's unlock, 200.
        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Write, 100, "A", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 100, "W1", order, scheduler));
        Start(scheduler, 3, 120, Hold(rwsem, LockMode.Write, 100, "W2", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["A@0", "W1@100", "W2@200"], order);
    }

    [Fact]
    public void Rwsem_writer_that_waited_past_the_timeout_gets_the_lock_handed_off()
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm", writerWakeLatencyNs: 50, writerStealing: true);
        var order = new List<string>();
        const long t0 = 5_000_000;

        // A holds 0-5 ms; W1 queues at 10 ns; woken at 5 ms, it runs at t0+50 and finds W2 (arrived t0+20) holding
        // until t0+120. W1 has waited over 4 ms (RWSEM_WAIT_TIMEOUT at HZ=250): it sets the hand-off flag. W3 queues
        // at t0+60 behind it. W4 arrives at t0+130 to a free lock but may not take it: the hand-off reserves it for
        // W1 (woken at t0+120, runs t0+170, holds 100). Then W3 (woken t0+270, runs t0+320), then W4 (t0+470).
        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Write, t0, "A", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 100, "W1", order, scheduler));
        Start(scheduler, 3, t0 + 20, Hold(rwsem, LockMode.Write, 100, "W2", order, scheduler));
        Start(scheduler, 4, t0 + 60, Hold(rwsem, LockMode.Write, 100, "W3", order, scheduler));
        Start(scheduler, 5, t0 + 130, Hold(rwsem, LockMode.Write, 100, "W4", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["A@0", "W2@5000020", "W1@5000170", "W3@5000320", "W4@5000470"], order);
    }

    /// <summary>
    /// rwsem_down_read_slowpath (6.12): a reader whose fast path failed because a writer waits takes the lock if no
    /// writer holds it, no hand-off is set and no reader holds it. A holds the write lock 0-100; W1 queues at 10 and is
    /// woken by A's unlock, running at 150. R arrives at 120 to a free lock: with stealing it reads 120-220, W1 loses at
    /// 150, is woken again at R's unlock and runs at 270; without, R queues behind W1 (150-250) and reads at 250.
    /// </summary>
    [Theory]
    [InlineData(true, new[] { "A@0", "R@120", "W1@270" })]
    [InlineData(false, new[] { "A@0", "W1@150", "R@250" })]
    public void Rwsem_reader_takes_a_free_lock_while_the_woken_writer_wakes_only_with_reader_stealing(bool readerStealing, string[] expected)
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm", writerWakeLatencyNs: 50, writerStealing: true, readerStealing: readerStealing);
        var order = new List<string>();

        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Write, 100, "A", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 100, "W1", order, scheduler));
        Start(scheduler, 3, 120, Hold(rwsem, LockMode.Read, 100, "R", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(expected, order);
    }

    /// <summary>
    /// The two cases where a blocking reader does not steal. Readers inside (rwsem_down_read_slowpath's "rcnt > 1"
    /// check): R1 reads 0-100, W queues at 10, R2 arrives at 20 and queues behind W (woken at 100, runs at 150, writes
    /// to 250; R2 reads at 250). Hand-off set: A writes 0-5 ms, W1 queues at 10 ns, is woken at 5 ms and runs at
    /// t0+50, where W2 (arrived t0+20) holds to t0+120: W1 has waited over 4 ms and sets the hand-off. R arrives at
    /// t0+130 to a free lock but queues; W1 (woken t0+120) runs at t0+170 and writes to t0+270, when R is granted.
    /// </summary>
    [Fact]
    public void Rwsem_reader_does_not_steal_from_readers_or_past_a_hand_off()
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm", writerWakeLatencyNs: 50, writerStealing: true, readerStealing: true);
        var order = new List<string>();
        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Read, 100, "R1", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 100, "W", order, scheduler));
        Start(scheduler, 3, 20, Hold(rwsem, LockMode.Read, 10, "R2", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["R1@0", "W@150", "R2@250"], order);

        const long t0 = 5_000_000;
        scheduler = new Scheduler(4, 0, 0);
        rwsem = new SimRwSemaphore(scheduler, "mm", writerWakeLatencyNs: 50, writerStealing: true, readerStealing: true);
        order.Clear();
        Start(scheduler, 1, 0, Hold(rwsem, LockMode.Write, t0, "A", order, scheduler));
        Start(scheduler, 2, 10, Hold(rwsem, LockMode.Write, 100, "W1", order, scheduler));
        Start(scheduler, 3, t0 + 20, Hold(rwsem, LockMode.Write, 100, "W2", order, scheduler));
        Start(scheduler, 4, t0 + 130, Hold(rwsem, LockMode.Read, 100, "R", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["A@0", "W2@5000020", "W1@5000170", "R@5000270"], order);
    }

    [Fact]
    public void Read_trylock_fails_while_a_writer_waits()
    {
        var scheduler = new Scheduler(4, 0, 0);
        var rwsem = new SimRwSemaphore(scheduler, "mm");
        var reader = new SimTask(1, 1, "r");
        var writer = new SimTask(2, 2, "w");
        Assert.True(rwsem.TryAcquire(reader, LockMode.Read));
        Assert.False(rwsem.TryAcquire(writer, LockMode.Write));
        rwsem.Enqueue(writer, LockMode.Write);
        Assert.False(rwsem.TryAcquire(new SimTask(3, 3, "t"), LockMode.Read));
    }

    [Fact]
    public void Per_vma_install_falls_back_to_mmap_read_lock_while_a_writer_holds_mmap_lock()
    {
        var h = new DesignHarness("page-concurrent");

        // An mmap writer holds the lock from 0 to 100 µs; the allocation starts at 10 µs.
        h.Start(900, t => WriterHold(h, t), 0);
        h.Allocate(100, at: 10_000);
        var lines = h.RunToEnd();
        Assert.Equal(
        [
            "binder_update_page_range allocate=1 offset=0 size=4096",
            "binder_alloc_page_start 0",
            "mmap_lock_start_locking write=False",
            "mmap_lock_acquire_returned write=False success=True",
            "mmap_lock_released write=False",
            "binder_alloc_page_end 0",
        ], lines);
    }

    [Fact]
    public void Mutex_waiter_with_its_own_wake_latency_runs_that_long_after_the_unlock_once()
    {
        var scheduler = new Scheduler(4, 5, 0);
        var mutex = new SimMutex(scheduler, "alloc->mutex");
        var order = new List<string>();

        // A holds 0-100; B (own wake latency 1000) queues at 10, C at 20. A's unlock wakes B, which runs at
        // 100 + 1000 = 1100 and holds to 1200; B's unlock wakes C with the scheduler's 5: 1205.
        Start(scheduler, 1, 0, t => MutexHold(t, mutex, 100, "A", order, scheduler));
        var b = Start(scheduler, 2, 10, t => MutexHold(t, mutex, 100, "B", order, scheduler));
        b.MutexWakeLatencyNs = 1_000;
        Start(scheduler, 3, 20, t => MutexHold(t, mutex, 100, "C", order, scheduler));
        while (scheduler.RunNext())
        {
        }

        Assert.Equal(["A@0", "B@1100", "C@1205"], order);
        Assert.Equal(-1, b.MutexWakeLatencyNs);
    }

    private static IEnumerable<Step> MutexHold(SimTask t, SimMutex mutex, long ns, string name, List<string> order, Scheduler scheduler)
    {
        yield return Step.Acquire(mutex);
        order.Add($"{name}@{scheduler.Now}");
        yield return Step.Run(ns);
        mutex.Release(t, LockMode.Write);
    }

    private static IEnumerable<Step> WriterHold(DesignHarness h, SimTask t)
    {
        yield return Step.Acquire(h.Process.MmapLock, LockMode.Write);
        yield return Step.Run(100_000);
        h.Process.MmapLock.Release(t, LockMode.Write);
    }

    private static SimTask Start(Scheduler scheduler, int pid, long at, Func<SimTask, IEnumerable<Step>> body)
    {
        var task = new SimTask(pid, pid, "t");
        task.Push(body(task).GetEnumerator());
        scheduler.Start(task, at);
        return task;
    }

    private static Func<SimTask, IEnumerable<Step>> Hold(SimRwSemaphore rwsem, LockMode mode, long ns, string name, List<string> order, Scheduler scheduler) =>
        t => HoldBody(t, rwsem, mode, ns, name, order, scheduler);

    private static IEnumerable<Step> HoldBody(SimTask t, SimRwSemaphore rwsem, LockMode mode, long ns, string name, List<string> order, Scheduler scheduler)
    {
        yield return Step.Acquire(rwsem, mode);
        order.Add($"{name}@{scheduler.Now}");
        yield return Step.Run(ns);
        rwsem.Release(t, mode);
    }
}
