using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Hand-built mmap_lock sequences (KERNEL.md §7); expected waits, holds and attributions worked out in comments.</summary>
public sealed class MmapLockTrackerTests
{
    private const ulong Mm = 0xA;
    private const ulong OtherMm = 0xB;
    private const int Proc = 100;

    /// <summary>start 100, acquire 110, release 200: one write wait of 10 ns and one write hold of 90 ns, not binder.</summary>
    [Fact]
    public void A_lock_gives_one_wait_and_one_hold()
    {
        var trace = new TestTrace().Lock(100, 110, 200, pid: 1, Mm, write: true);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        Assert.Equal([new MmapLockWait(1, "task1", Mm, LockMode.Write, false, true, 100, 110)], sink.Waits);
        Assert.Equal([new MmapLockHold(1, "task1", Mm, LockMode.Write, false, 110, 200)], sink.Holds);
        Assert.Equal((1L, 90L), (report.Locks.HoldNs(LockMode.Write).Count, report.Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal((1L, 10L), (report.Locks.WaitNs(LockMode.Write).Count, report.Locks.WaitNs(LockMode.Write).Total));
    }

    /// <summary>traces/README.md: trylocks emit acquire_returned with no start_locking. Hold 100..150, no wait; a failed one is only counted.</summary>
    [Fact]
    public void Trylocks_open_holds_without_waits_and_failed_trylocks_are_counted()
    {
        var trace = new TestTrace()
            .Acquired(100, 1, Mm, write: false)
            .Released(150, 1, Mm, write: false)
            .Acquired(200, 1, Mm, write: false, success: false);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        Assert.Empty(sink.Waits);
        Assert.Equal([new MmapLockHold(1, "task1", Mm, LockMode.Read, false, 100, 150)], sink.Holds);
        Assert.Equal((1L, 1L), (report.Locks.TrylockAcquires, report.Locks.FailedTrylocks));
    }

    /// <summary>
    /// mmap_write_downgrade emits only acquire_returned(write=false): write hold 105..150 closes there, a read
    /// hold 150..180 follows, and the final read release matches it.
    /// </summary>
    [Fact]
    public void A_read_acquire_without_start_under_a_write_hold_is_a_downgrade()
    {
        var trace = new TestTrace()
            .StartLocking(100, 1, Mm, write: true)
            .Acquired(105, 1, Mm, write: true)
            .Acquired(150, 1, Mm, write: false)
            .Released(180, 1, Mm, write: false);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        Assert.Equal(
            [
                new MmapLockHold(1, "task1", Mm, LockMode.Write, false, 105, 150),
                new MmapLockHold(1, "task1", Mm, LockMode.Read, false, 150, 180),
            ],
            sink.Holds);
        Assert.Equal((1L, 0L, 0L), (report.Locks.Downgrades, report.Locks.TrylockAcquires, report.Locks.UnmatchedReleases));
    }

    [Fact]
    public void A_release_without_acquire_is_counted_not_fatal()
    {
        var report = new TestTrace().Released(100, 1, Mm, write: true).Analyze();

        Assert.Equal(1, report.Locks.UnmatchedReleases);
        Assert.Equal(1, report.Counters["lock_release_without_acquire"]);
    }

    /// <summary>6.8–6.13: the write lock is taken inside the install window (page start 100, lock 101..120, end 121).</summary>
    [Fact]
    public void A_hold_inside_an_install_window_is_binders()
    {
        var sink = new TestTrace()
            .Page(100, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .Lock(101, 102, 120, 1, Mm, write: true)
            .Page(121, 1, EventKind.BinderAllocPageEnd, Proc, 0)
            .AnalyzeRows();

        Assert.True(Assert.Single(sink.Holds).Binder);
        Assert.True(Assert.Single(sink.Waits).Binder);
    }

    /// <summary>
    /// 6.1.31+: one write hold 100..150 encloses two install windows (110..120, 130..140) of task 1; task 2's read
    /// hold of the same mm at 200..210 is another user's, and task 1's later hold of another mm is not binder's either.
    /// </summary>
    [Fact]
    public void A_hold_enclosing_install_windows_is_binders_and_other_holds_are_not()
    {
        var sink = new TestTrace()
            .StartLocking(99, 1, Mm, write: true)
            .Acquired(100, 1, Mm, write: true)
            .PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(130, 140, 1, EventKind.BinderAllocPageStart, Proc, 1)
            .Released(150, 1, Mm, write: true)
            .Lock(199, 200, 210, 2, Mm, write: false)
            .Lock(299, 300, 310, 1, OtherMm, write: false)
            .AnalyzeRows();

        Assert.Equal([true, false, false], sink.Holds.Select(h => h.Binder));
    }

    /// <summary>The shrinker's trylock (no start_locking) encloses its unmap events: binder's.</summary>
    [Fact]
    public void A_shrinker_trylock_enclosing_unmaps_is_binders()
    {
        var sink = new TestTrace()
            .PageOp(10, 20, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(30, 40, 1, EventKind.BinderFreeLruStart, Proc, 0)
            .Acquired(100, 9, Mm, write: false)
            .PageOp(110, 120, 9, EventKind.BinderUnmapUserStart, Proc, 0)
            .Released(125, 9, Mm, write: false)
            .PageOp(130, 140, 9, EventKind.BinderUnmapKernelStart, Proc, 0)
            .AnalyzeRows();

        Assert.True(Assert.Single(sink.Holds).Binder);
    }

    /// <summary>6.1.0–6.1.30: a read lock taken and dropped between binder_transaction and alloc_buf (the VMA check) is binder's.</summary>
    [Fact]
    public void A_read_hold_inside_a_buffer_allocation_is_binders()
    {
        var sink = new TestTrace()
            .Transaction(100, 1, debugId: 5, toProc: Proc)
            .Lock(101, 102, 105, 1, Mm, write: false)
            .AllocBuf(110, 1, 5, 64)
            .Lock(201, 202, 205, 1, Mm, write: false)
            .AnalyzeRows();

        Assert.Equal([true, false], sink.Holds.Select(h => h.Binder));
    }

    /// <summary>
    /// Contention: task 2 (binder, inside an install window) holds the write lock 100..200; task 1 waits for a read
    /// lock 150..201. The wait overlaps the holder for 200-150 = 50 ns; task 3's read hold 160..170 does not conflict
    /// with a read wait. Top blocker: task 2, write, binder, 1 wait, 50 ns.
    /// </summary>
    [Fact]
    public void Waits_are_linked_to_the_conflicting_holders_that_overlapped_them()
    {
        var trace = new TestTrace()
            .Page(90, 2, EventKind.BinderAllocPageStart, Proc, 0)
            .StartLocking(95, 2, Mm, write: true)
            .Acquired(100, 2, Mm, write: true)
            .StartLocking(150, 1, Mm, write: false)
            .Acquired(160, 3, Mm, write: false)
            .Released(170, 3, Mm, write: false)
            .Released(200, 2, Mm, write: true)
            .Acquired(201, 1, Mm, write: false)
            .Page(205, 2, EventKind.BinderAllocPageEnd, Proc, 0)
            .Released(220, 1, Mm, write: false);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        Assert.Equal([new MmapLockBlocker(1, "task1", Mm, LockMode.Read, 150, 2, "task2", LockMode.Write, true, 50)], sink.Blockers);
        var blocker = Assert.Single(report.TopBlockers);
        Assert.Equal((2, LockMode.Write, true, 1L, 50L), (blocker.Pid, blocker.Mode, blocker.Binder, blocker.WaitsBlocked, blocker.BlockedNs));
        Assert.Equal(50, report.Locks.BlockedByBinderNs);
    }

    /// <summary>A lost-events marker on the CPU of an open hold drops it (its release may be lost); holds elsewhere survive.</summary>
    [Fact]
    public void Lost_events_drop_open_holds_of_that_cpu()
    {
        var trace = new TestTrace()
            .Acquired(100, 1, Mm, write: true, cpu: 1)
            .Acquired(100, 2, OtherMm, write: true, cpu: 2)
            .Lost(110, cpu: 1)
            .Released(120, 2, OtherMm, write: true, cpu: 2)
            .Released(130, 1, Mm, write: true, cpu: 1);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        Assert.Equal([new MmapLockHold(2, "task2", OtherMm, LockMode.Write, false, 100, 120)], sink.Holds);
        Assert.Equal((1L, 1L), (report.Counters["lock_holds_uncertain_after_lost_events"], report.Counters["lock_release_without_acquire"]));
    }

    /// <summary>--proc keeps only the mm binder worked under for that process (learnt from the install under its lock).</summary>
    [Fact]
    public void The_process_filter_keeps_the_mm_of_that_binder_process()
    {
        var trace = new TestTrace()
            .StartLocking(99, 1, Mm, write: true)
            .Acquired(100, 1, Mm, write: true)
            .PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .Released(150, 1, Mm, write: true)
            .Lock(199, 200, 210, 2, Mm, write: false)
            .Lock(299, 300, 310, 3, OtherMm, write: false);
        var report = trace.Analyze(options: new() { Proc = Proc });
        var sink = trace.AnalyzeRows(new() { Proc = Proc });

        Assert.Equal([Mm], report.LocksByMm.Select(m => m.Mm));
        Assert.Equal((1L, 1L), (report.Locks.HoldNs(LockMode.Write).Count, report.Locks.HoldNs(LockMode.Read).Count));
        Assert.Equal([1, 2], sink.Holds.Select(h => h.Pid));
    }

    /// <summary>
    /// Per task and mm: task 1 holds mm A for writing 100..150 around an install (50 ns, binder, waited 99..100),
    /// task 2 reads A 200..210 (10 ns), task 1 reads B 300..310 (10 ns). Longest total hold first, ties by pid.
    /// </summary>
    [Fact]
    public void Task_usage_sums_holds_and_waits_per_task_and_mm()
    {
        var report = new TestTrace()
            .StartLocking(99, 1, Mm, write: true)
            .Acquired(100, 1, Mm, write: true)
            .PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .Released(150, 1, Mm, write: true)
            .Lock(199, 200, 210, 2, Mm, write: false)
            .Lock(299, 300, 310, 1, OtherMm, write: false)
            .Analyze();

        Assert.Equal([(1, Mm), (1, OtherMm), (2, Mm)], report.TopLockTasks.Select(t => (t.Pid, t.Mm)));
        var first = report.TopLockTasks[0];
        Assert.Equal((1L, 50L, 1L, 50L, 1L, 1L), (first.Holds(LockMode.Write), first.HoldNs(LockMode.Write), first.BinderHolds(LockMode.Write), first.BinderHoldNs(LockMode.Write), first.Waits(LockMode.Write), first.WaitNs(LockMode.Write)));
    }
}
