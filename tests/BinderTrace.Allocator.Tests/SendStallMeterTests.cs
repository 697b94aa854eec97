using BinderTrace.Allocator.Replay;

namespace BinderTrace.Tests;

/// <summary>
/// How a send's wait before its allocation is split into lock waits the simulator models, CPU waits after a lock
/// wake-up and a replayed stall. Every timestamp is invented for the case and the expected values are worked out in
/// the comments from them (ns; the plain-send baseline is 50).
/// </summary>
public sealed class SendStallMeterTests
{
    private const long Baseline = 50;
    private const int Server = 100;

    [Fact]
    public void A_sleep_ended_by_a_binder_task_of_the_target_is_a_lock_wait_and_its_cpu_wait_goes_to_the_mutex_wake()
    {
        var meter = new SendStallMeter();
        meter.OnAllocatorEvent(20, Server, 900); // task 20 works in the server's allocator: a lock user
        meter.OnTransaction(10, 1, Server, 1_000);
        meter.OnSwitch(10, prevAsleepUninterruptible: true, nextPid: 0, 1_100);
        meter.OnWakeup(10, 20, 5_100);
        meter.OnSwitch(0, false, 10, 6_100);
        meter.OnAllocatorEvent(10, Server, 6_200);

        // wait 6200-1000 = 5200; asleep 5100-1100 = 4000; CPU wait 6100-5100 = 1000; stall 5200-4000-1000-50 = 150
        Assert.Equal((150L, 5_200L, 4_000L, 1_000L), meter.StallOf(1, SendStallMeter.AllocLockScope.WholeAllocation, Baseline));
    }

    [Fact]
    public void Preemption_and_sleeps_ended_by_other_tasks_are_replayed_as_stalls()
    {
        var meter = new SendStallMeter();
        meter.OnTransaction(11, 2, Server, 10_000);
        meter.OnSwitch(11, prevAsleepUninterruptible: false, nextPid: 0, 10_100); // preempted (R)
        meter.OnSwitch(0, false, 11, 12_100);
        meter.OnAllocBuf(11, 2, 12_200);

        meter.OnTransaction(12, 3, Server, 20_000);
        meter.OnSwitch(12, prevAsleepUninterruptible: true, nextPid: 0, 20_100);
        meter.OnWakeup(12, 99, 21_100); // task 99 never touched the server's allocator
        meter.OnSwitch(0, false, 12, 21_200);
        meter.OnAllocBuf(12, 3, 21_300);

        // 12200-10000-50 = 2150; 21300-20000-50 = 1250: nothing explained
        Assert.Equal((2_150L, 2_200L, 0L, 0L), meter.StallOf(2, SendStallMeter.AllocLockScope.WholeAllocation, Baseline));
        Assert.Equal((1_250L, 1_300L, 0L, 0L), meter.StallOf(3, SendStallMeter.AllocLockScope.WholeAllocation, Baseline));
    }

    [Fact]
    public void Without_scheduler_events_other_tasks_sections_of_the_target_explain_the_wait_by_the_design_lock_scope()
    {
        var meter = new SendStallMeter();
        meter.OnTransaction(13, 4, Server, 30_000);
        meter.OnBracketStart(20, Server, 30_100); // an LRU bracket of task 20
        meter.OnBracketEnd(20, 30_500);
        meter.OnTransaction(21, 5, Server, 30_550);
        meter.OnAllocatorEvent(21, Server, 30_600); // task 21's whole allocation, open until its alloc_buf
        meter.OnAllocBuf(21, 5, 30_800);
        meter.OnBracketStart(22, 7, 30_800); // another process's bracket explains nothing
        meter.OnBracketEnd(22, 30_950);
        meter.OnOwnLockHold(13, 30_900, 30_950); // the sender's own mmap_lock hold: replayed as that hold
        meter.OnAllocatorEvent(13, Server, 31_000);

        // wait 31000-30000-50 (own hold) = 950. Brackets: 400 → stall 950-400-50 = 500.
        // Whole allocation: 400 + 200 (30600..30800) = 600 → stall 950-600-50 = 300. Spinlock: 950-50 = 900.
        Assert.Equal((500L, 950L, 400L, 0L), meter.StallOf(4, SendStallMeter.AllocLockScope.Brackets, Baseline));
        Assert.Equal((300L, 950L, 600L, 0L), meter.StallOf(4, SendStallMeter.AllocLockScope.WholeAllocation, Baseline));
        Assert.Equal((900L, 950L, 0L, 0L), meter.StallOf(4, SendStallMeter.AllocLockScope.None, Baseline));
    }

    [Fact]
    public void A_send_that_waited_less_than_the_baseline_has_no_stall()
    {
        var meter = new SendStallMeter();
        meter.OnTransaction(14, 6, Server, 40_000);
        meter.OnAllocBuf(14, 6, 40_030);

        Assert.Equal((0L, 30L, 0L, 0L), meter.StallOf(6, SendStallMeter.AllocLockScope.None, Baseline));
        Assert.Null(meter.StallOf(7, SendStallMeter.AllocLockScope.None, Baseline));
    }

    [Fact]
    public void A_send_that_never_allocated_does_not_stop_later_sends_from_being_measured()
    {
        var meter = new SendStallMeter();
        meter.OnTransaction(15, 8, Server, 0); // never reaches alloc_buf: keeps every later section prunable only by doubling
        for (var i = 0; i < 10_000; i++)
        {
            meter.OnBracketStart(20, Server, 1_000 + (i * 100));
            meter.OnBracketEnd(20, 1_000 + (i * 100) + 40);
        }

        // Brackets [1000 + 100 i, 1040 + 100 i]; the send waits 500_000..500_500, which the brackets i = 4990..4994
        // cover for 40 ns each: 200 explained, stall 500 - 200 - 50 = 250.
        meter.OnTransaction(16, 9, Server, 500_000);
        meter.OnAllocatorEvent(16, Server, 500_500);

        Assert.Equal((250L, 500L, 200L, 0L), meter.StallOf(9, SendStallMeter.AllocLockScope.Brackets, Baseline));
    }
}
