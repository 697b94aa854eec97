using BinderTrace.Allocator.Replay;

namespace BinderTrace.Tests;

/// <summary>
/// What a task spent runnable but off CPU while it waited for an mmap_lock. Every timestamp is invented for the case
/// and the expected values are worked out in the comments from them (ns).
/// </summary>
public sealed class LockWaitMeterTests
{
    [Fact]
    public void The_cpu_wait_after_a_wake_up_and_preemption_while_spinning_are_counted_and_the_sleep_is_not()
    {
        var meter = new LockWaitMeter();
        meter.OnStartLocking(10);
        meter.OnSwitch(10, prevRunnable: true, nextPid: 0, 500); // preempted while spinning
        meter.OnSwitch(0, prevRunnable: false, nextPid: 10, 900);
        meter.OnSwitch(10, prevRunnable: false, nextPid: 0, 1_000); // asleep on the lock (D)
        meter.OnWakeup(10, 1_500);
        meter.OnSwitch(0, prevRunnable: false, nextPid: 10, 1_800);

        // preempted 900-500 = 400; asleep 1000..1500 (the lock's); CPU wait after the wake-up 1800-1500 = 300
        Assert.Equal(new LockWaitOffCpu(300, 400), meter.OnLockWaitOver(10));
    }

    [Fact]
    public void Switches_outside_a_wait_count_for_nothing_and_a_wait_is_reported_once()
    {
        var meter = new LockWaitMeter();
        meter.OnSwitch(20, prevRunnable: true, nextPid: 0, 100);
        meter.OnSwitch(0, prevRunnable: false, nextPid: 20, 600);
        meter.OnStartLocking(20);
        meter.OnWakeup(20, 700); // a wake-up while on CPU changes nothing

        Assert.Equal(default, meter.OnLockWaitOver(20));
        Assert.Equal(default, meter.OnLockWaitOver(20));
    }
}
