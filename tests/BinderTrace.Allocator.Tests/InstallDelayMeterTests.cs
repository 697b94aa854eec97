using BinderTrace.Allocator.Replay;

namespace BinderTrace.Tests;

/// <summary>
/// What an install window spent off CPU that the simulator does not model. Every timestamp is invented for the case
/// and the expected values are worked out in the comments from them (ns).
/// </summary>
public sealed class InstallDelayMeterTests
{
    [Fact]
    public void Preemption_while_holding_the_lock_is_the_window_s_work_and_a_lock_sleep_is_not()
    {
        var meter = new InstallDelayMeter();
        meter.OnTransaction(10);
        meter.OnWindowStart(10);
        meter.OnStartLocking(10);
        meter.OnSwitch(10, prevRunnable: false, nextPid: 0, 1_000); // asleep on the lock (D)
        meter.OnWakeup(10, 1_500);
        meter.OnSwitch(0, prevRunnable: false, nextPid: 10, 1_800); // woken at 1500, runs at 1800
        meter.OnLockWaitOver(10);
        meter.OnSwitch(10, prevRunnable: true, nextPid: 0, 2_000); // preempted while holding
        meter.OnSwitch(0, prevRunnable: false, nextPid: 10, 2_700);
        meter.OnLockWaitOver(10); // released
        meter.OnWindowEnd(10);
        meter.OnWindowStart(10);
        meter.OnStartLocking(10);
        meter.OnSwitch(10, prevRunnable: true, nextPid: 0, 3_000); // preempted while spinning for the lock
        meter.OnSwitch(0, prevRunnable: false, nextPid: 10, 3_400);
        meter.OnLockWaitOver(10);
        meter.OnWindowEnd(10);

        // window 1: work 2700-2000 = 700; CPU wait after the lock's wake-up 1800-1500 = 300 (the sleep 1000..1500 is
        // the lock's). Window 2: preempted spinning 3400-3000 = 400.
        Assert.Equal([new InstallDelay(700, new LockWaitOffCpu(300, 0)), new InstallDelay(0, new LockWaitOffCpu(0, 400))], meter.Take(10));
    }

    [Fact]
    public void A_lock_wait_outside_a_window_is_returned_when_it_ends_and_a_send_without_delays_gets_none()
    {
        var meter = new InstallDelayMeter();
        meter.OnStartLocking(20);
        meter.OnSwitch(20, prevRunnable: false, nextPid: 0, 100);
        meter.OnWakeup(20, 600);
        meter.OnSwitch(0, prevRunnable: false, nextPid: 20, 1_600);

        // woken at 600, on CPU at 1600: 1000 after the wake-up
        Assert.Equal(new LockWaitOffCpu(1_000, 0), meter.OnLockWaitOver(20));
        Assert.Equal(default, meter.OnLockWaitOver(20));

        meter.OnTransaction(21);
        meter.OnWindowStart(21);
        meter.OnWindowEnd(21);
        Assert.Empty(meter.Take(21));
    }

    [Fact]
    public void A_new_transaction_drops_the_windows_of_a_send_that_never_allocated()
    {
        var meter = new InstallDelayMeter();
        meter.OnTransaction(30);
        meter.OnWindowStart(30);
        meter.OnSwitch(30, prevRunnable: true, nextPid: 0, 10);
        meter.OnSwitch(0, prevRunnable: false, nextPid: 30, 50);
        meter.OnWindowEnd(30);
        meter.OnTransaction(30);

        Assert.Empty(meter.Take(30));
    }
}
