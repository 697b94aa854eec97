using System.Text;
using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>Issue 12 items 1, 2 and 9: lines real traces hold that crashed the reader or were miscounted as malformed.</summary>
public class HardeningTests
{
    private const string Header = "# tracer: nop\n#\n";
    private const string Event0 = "       binder_wl-268     [000] .....     1.000000: binder_ioctl_done: ret=0\n";
    private const string Event2 = "       binder_wl-269     [002] .....     1.000005: binder_ioctl_done: ret=0\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_loss_the_kernel_could_not_count_is_reported_as_unknown_not_as_zero(bool strict)
    {
        // kernel/trace/trace.c print_trace_line: "CPU:%d [LOST EVENTS]\n" when lost_events == (unsigned long)-1.
        var (events, source) = Parse(Header + Event0 + "CPU:2 [LOST EVENTS]\n" + Event2, strict ? Strict : Lenient);

        Assert.Equal([EventKind.BinderIoctlDone, EventKind.LostEvents, EventKind.BinderIoctlDone], events.Select(e => e.Kind));
        Assert.Equal(-1, events[1].LostCount);
        Assert.Equal(2, events[1].Cpu);
        var d = source.Diagnostics;
        Assert.Equal(1, d.LostEventMarkers);
        Assert.Equal(1, d.LostEventMarkersWithoutCount);
        Assert.False(d.LostEventCountKnown);
        Assert.Equal(0, d.UnparsedLines);
        Assert.False(d.IsClean);
    }

    [Fact]
    public void Huge_loss_counts_on_different_cpus_saturate_instead_of_overflowing()
    {
        // 9223372036854775807 = 2^63-1, twice: the true sum does not fit a long, so the total saturates.
        var (_, source) = Parse(Header + Event0 + "CPU:0 [LOST 9223372036854775807 EVENTS]\nCPU:1 [LOST 9223372036854775807 EVENTS]\n" + Event2);

        Assert.Equal(long.MaxValue, source.Diagnostics.LostEvents);
        Assert.Equal(long.MaxValue, source.Diagnostics.LostEventsPerCpu[0]);
        Assert.Equal(2, source.Diagnostics.LostEventMarkers);
    }

    [Fact]
    public void Huge_loss_counts_on_one_cpu_never_turn_negative()
    {
        var (_, source) = Parse(Header + Event0 + "CPU:3 [LOST 9223372036854775807 EVENTS]\nCPU:3 [LOST 9223372036854775807 EVENTS]\n" + Event2);

        Assert.Equal(long.MaxValue, source.Diagnostics.LostEventsPerCpu[3]);
        Assert.Equal(long.MaxValue, source.Diagnostics.LostEvents);
    }

    [Fact]
    public void A_count_past_the_signed_range_is_kept_as_a_loss_of_at_least_2_pow_63_minus_1()
    {
        // %lu can print up to 2^64-2 (2^64-1 is the uncounted form): 18446744073709551614.
        var (_, source) = Parse(Header + Event0 + "CPU:1 [LOST 18446744073709551614 EVENTS]\n" + Event2);

        Assert.Equal(long.MaxValue, source.Diagnostics.LostEvents);
        Assert.Equal(0, source.Diagnostics.UnparsedLines);
    }

    [Theory]
    [InlineData("CPU:1 [LOST -5 EVENTS]")]
    [InlineData("CPU:1 [LOST  EVENTS]")]
    [InlineData("CPU:1 [LOST x EVENTS]")]
    [InlineData("CPU:1 [ EVENTS DROPPED]")]
    public void A_damaged_marker_is_an_unparsed_line_not_a_negative_loss(string line)
    {
        var (_, source) = Parse(Header + Event0 + line + "\n" + Event2);

        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.Equal(0, source.Diagnostics.LostEventMarkers);
        Assert.Equal(0, source.Diagnostics.LostEvents);
    }

    [Fact]
    public void Trace_cmd_plugin_sched_switch_parses_with_every_field()
    {
        // FORMATS.md §1.6 "Plugins": the example line of a plain `trace-cmd report`.
        var e = Single("          <idle>-0     [003]  5067.261470: sched_switch:         swapper/3:0 [120] R ==> init:265 [120]");

        Assert.Equal(EventKind.SchedSwitch, e.Kind);
        Assert.Equal(new SchedSwitchEvent("swapper/3", 0, 120, TaskState.Running, "init", 265, 120), e.SchedSwitch);
    }

    [Fact]
    public void Trace_cmd_plugin_sched_switch_splits_a_comm_holding_colons_and_spaces_at_the_last_colon()
    {
        var (events, source) = Parse("   HwBinder:27_2-1077  [001]  5067.261470: sched_switch: HwBinder:27_2:1077 [98] S ==> kworker/u8:2 x:41 [120]\n");

        Assert.Equal(0, source.Diagnostics.MalformedPayloads);
        var e = Assert.Single(events);
        Assert.Equal(new SchedSwitchEvent("HwBinder:27_2", 1077, 98, TaskState.Sleeping, "kworker/u8:2 x", 41, 120), e.SchedSwitch);
    }

    [Fact]
    public void Trace_cmd_plugin_sched_switch_reads_a_preempted_state()
    {
        var e = Single("       binder_wl-272  [002]  5067.261470: sched_switch: binder_wl:272 [120] R+ ==> swapper/2:0 [120]");

        Assert.Equal(TaskState.Running | TaskState.Preempted, e.SchedSwitch.PrevState);
        Assert.Equal("swapper/2", e.SchedSwitch.NextComm);
    }

    [Theory]
    [InlineData("binder_wl:272 [120] CPU:002")]
    [InlineData("binder_wl:272 [120] success=1 CPU:002")]
    public void Trace_cmd_plugin_sched_wakeup_parses_with_and_without_success(string payload)
    {
        var (events, source) = Parse($"          <idle>-0     [003]  5067.261470: sched_wakeup: {payload}\n");

        Assert.Equal(0, source.Diagnostics.MalformedPayloads);
        Assert.Equal(new SchedWakeupEvent("binder_wl", 272, 120, 2), Assert.Single(events).SchedWakeup);
    }

    [Theory]
    [InlineData("sched_switch: swapper/3:0 [120] R ==> init:265")]
    [InlineData("sched_switch: swapper/3 [120] R ==> init:265 [120]")]
    [InlineData("sched_wakeup: binder_wl:272 [120]")]
    [InlineData("sched_wakeup: binder_wl:272 [x] CPU:002")]
    public void A_damaged_plugin_rendering_is_still_a_malformed_payload(string body)
    {
        var (events, source) = Parse($"          <idle>-0     [003]  5067.261470: {body}\n");

        Assert.Equal(1, source.Diagnostics.MalformedPayloads);
        Assert.Equal(EventKind.Generic, Assert.Single(events).Kind);
    }

    [Fact]
    public void Binder_transaction_alloc_buf_of_older_kernels_without_extra_buffers_size_parses()
    {
        // KERNEL.md §6: older kernels print "transaction=%d data_size=%zd offsets_size=%zd".
        var (events, source) = Parse("       binder_wl-272     [003] .....     5.000000: binder_transaction_alloc_buf: transaction=4391 data_size=96 offsets_size=8\n");

        Assert.Equal(0, source.Diagnostics.MalformedPayloads);
        Assert.Equal(new BufferEvent(4391, 96, 8, 0), Assert.Single(events).Buffer);
    }

    [Fact]
    public void An_unparsable_extra_buffers_size_is_not_read_as_the_older_form()
    {
        var (_, source) = Parse("       binder_wl-272     [003] .....     5.000000: binder_transaction_alloc_buf: transaction=4391 data_size=96 offsets_size=8 extra_buffers_size=x\n");

        Assert.Equal(1, source.Diagnostics.MalformedPayloads);
    }

    [Theory]
    [InlineData(8)] // first byte of the CRC32 (RFC 1952: the trailer is CRC32 then ISIZE, both little-endian)
    [InlineData(1)] // last byte of ISIZE
    public void A_gzip_with_a_wrong_trailer_keeps_every_line_and_says_what_is_damaged(int fromEnd)
    {
        // 4000 lines of 80 bytes: 320 KB of text, more than the reader's 128 KiB buffer that the error used to drop.
        var text = string.Concat(Enumerable.Range(0, 4000).Select(i => $"       binder_wl-268     [000] .....     1.{i:D6}: binder_ioctl_done: ret={i}\n"));
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        gzip[^fromEnd] ^= 0xFF;

        var source = Open(gzip);
        var events = ReadAll(source);

        Assert.Equal(Enumerable.Range(0, 4000), events.Select(e => e.ReturnValue));
        Assert.True(source.Diagnostics.Truncated);
        Assert.Contains("gzip data is damaged", source.Diagnostics.InputDamage, StringComparison.Ordinal);
        Assert.Contains($"after {Encoding.UTF8.GetByteCount(text)} decoded bytes", source.Diagnostics.InputDamage, StringComparison.Ordinal);
        Assert.Equal(0, source.Diagnostics.UnparsedLines);
    }

    [Fact]
    public void A_gzip_damaged_in_the_middle_keeps_the_lines_before_the_damage()
    {
        var text = string.Concat(Enumerable.Range(0, 4000).Select(i => $"       binder_wl-268     [000] .....     1.{i:D6}: binder_ioctl_done: ret={i}\n"));
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        Array.Fill(gzip, (byte)0xFF, gzip.Length / 2, 64);

        var source = Open(gzip);
        var events = ReadAll(source);

        Assert.True(source.Diagnostics.Truncated);
        Assert.NotNull(source.Diagnostics.InputDamage);
        // The damage sits at half the compressed bytes, so near line 2000 of this uniform text. Corrupt deflate data can
        // decode to plausible lines before zlib notices, so only the run of intact lines from the start is checked:
        // it must reach close to the damage (losing a 128 KiB buffer, 1638 lines of 80 bytes, would end it near 360).
        var intact = events.Select((e, i) => (e, i)).TakeWhile(p => p.e.ReturnValue == p.i).Count();
        Assert.InRange(intact, 1500, 3999);
    }
}
