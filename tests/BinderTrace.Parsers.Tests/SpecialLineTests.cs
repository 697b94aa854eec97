using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>The non-event lines of FORMATS.md §1.4: recognised, never counted as unparsed.</summary>
public class SpecialLineTests
{
    private const string Header =
        "# tracer: nop\n" +
        "#\n" +
        "# entries-in-buffer/entries-written: 3/3   #P:4\n" +
        "#\n" +
        "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n" +
        "#              | |         |   |||||     |         |\n";

    [Fact]
    public void Kernel_header_gives_the_cpu_count_and_is_not_an_error()
    {
        var (events, source) = Parse(Header + "       binder_wl-268     [000] .....     1.000000: binder_ioctl_done: ret=0\n");
        Assert.Single(events);
        Assert.Equal(4, source.Info.HeaderCpuCount);
        Assert.Equal(TraceFormat.FtraceText, source.Info.Format);
        Assert.True(source.Diagnostics.IsClean);
        Assert.Equal(7, source.Diagnostics.LinesRead);
    }

    [Fact]
    public void Lost_events_are_counted_per_cpu_and_put_into_the_stream()
    {
        var (events, source) = Parse(Header +
            "       binder_wl-268     [000] .....     1.000000: binder_ioctl_done: ret=0\n" +
            "CPU:2 [LOST 123 EVENTS]\n" +
            "       binder_wl-269     [002] .....     1.000005: binder_ioctl_done: ret=0\n" +
            "CPU:2 [LOST 7 EVENTS]\n" +
            "CPU:1 [LOST 1 EVENTS]\n");

        Assert.Equal(
            [EventKind.BinderIoctlDone, EventKind.LostEvents, EventKind.BinderIoctlDone, EventKind.LostEvents, EventKind.LostEvents],
            events.Select(e => e.Kind));
        var lost = events[1];
        Assert.Equal(2, lost.Cpu);
        Assert.Equal(123, lost.LostCount);
        // The marker sits in time order just before that CPU's next event: it carries the previous line's time.
        Assert.Equal(1_000_000_000, lost.Timestamp);
        Assert.Equal(130, source.Diagnostics.LostEventsPerCpu[2]);
        Assert.Equal(1, source.Diagnostics.LostEventsPerCpu[1]);
        Assert.Equal(131, source.Diagnostics.LostEvents);
        Assert.Equal(3, source.Diagnostics.LostEventMarkers);
        Assert.Equal(0, source.Diagnostics.UnparsedLines);
    }

    [Fact]
    public void Trace_cmd_dropped_events_with_and_without_a_count()
    {
        var (events, source) = Parse(
            "cpus=2\n" +
            "          <idle>-0     [001] d..2.  5622.343544: binder_ioctl_done: ret=0\n" +
            "CPU:1 [12 EVENTS DROPPED]\n" +
            "CPU:0 [EVENTS DROPPED]\n" +
            "CPU:0 [SUBBUFFER START]\n");

        Assert.Equal([12L, -1], events.Where(e => e.Kind == EventKind.LostEvents).Select(e => e.LostCount));
        Assert.Equal(12, source.Diagnostics.LostEvents);
        Assert.Equal(2, source.Diagnostics.LostEventMarkers);
        Assert.Equal(1, source.Diagnostics.LostEventMarkersWithoutCount);
        Assert.Equal(0, source.Diagnostics.UnparsedLines);
    }

    [Fact]
    public void Buffer_started_annotation_and_comments_are_skipped()
    {
        var (events, source) = Parse(Header +
            "##### CPU 3 buffer started ####\n" +
            "       binder_wl-268     [003] .....     1.000000: binder_ioctl_done: ret=0\n" +
            "\n" +
            "# a comment\n");
        Assert.Single(events);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Trace_cmd_preamble_lines()
    {
        var (events, source) = Parse(
            "version = 6\n" +
            "CPU 0 is empty\n" +
            "cpus=4\n" +
            "          <idle>-0     [001] d..2.  5622.343544: sched_switch:         prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=binder_wl next_pid=270 next_prio=120\n" +
            "CPU 3 is empty\n");
        var e = Assert.Single(events);
        Assert.Equal(TraceFormat.TraceCmdReport, source.Info.Format);
        Assert.Equal(4, source.Info.HeaderCpuCount);
        Assert.Equal(new SchedSwitchEvent("swapper/1", 0, 120, TaskState.Running, "binder_wl", 270, 120), e.SchedSwitch);
        Assert.True(source.Diagnostics.IsClean);
    }
}
