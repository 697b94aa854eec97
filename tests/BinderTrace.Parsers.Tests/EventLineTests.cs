using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>
/// The context prefix of every line variant in FORMATS.md §1.2 / §1.6. Expected values are read off each
/// hand-written line: timestamps are sec * 10^9 + usec * 10^3 ns.
/// </summary>
public class EventLineTests
{
    [Fact]
    public void Current_kernel_line_with_five_flag_columns_and_pid_width_7()
    {
        // Copied from the 6.12 light capture.
        var e = Single("       binder_wl-272     [003] ...1.     5.008726: binder_alloc_page_start: proc=268 page_index=0");
        Assert.Equal(new EventHeader(5_008_726_000, 3, 272, -1, "binder_wl"), e.Header);
        Assert.Equal(EventKind.BinderAllocPageStart, e.Kind);
        Assert.Equal("binder_alloc_page_start", e.Name);
    }

    [Fact]
    public void Old_kernel_line_with_four_flag_columns_and_pid_width_5()
    {
        var e = Single("          <idle>-0     [001] d..2  5622.343544: binder_ioctl_done: ret=0");
        Assert.Equal(new EventHeader(5622_343_544_000, 1, 0, -1, "<idle>"), e.Header);
    }

    [Fact]
    public void Seven_flag_columns_of_lazy_preempt_kernels()
    {
        var e = Single("   kworker/u16:1-77      [004] dNh2..1   316.196720: binder_ioctl_done: ret=-22");
        Assert.Equal(new EventHeader(316_196_720_000, 4, 77, -1, "kworker/u16:1"), e.Header);
        Assert.Equal(-22, e.ReturnValue);
    }

    [Fact]
    public void Without_irq_info_there_is_no_flags_column()
    {
        var e = Single("            init-1       [002]     4.969021: binder_ioctl_done: ret=0");
        Assert.Equal(new EventHeader(4_969_021_000, 2, 1, -1, "init"), e.Header);
    }

    [Fact]
    public void Tgid_column_with_a_number_old_width()
    {
        // The example line quoted from Perfetto's tokenizer in FORMATS.md §1.2.
        var e = Single("kworker/u16:1-77    (   77) [004] ....   316.196720: 0: B|77|frame");
        Assert.Equal(new EventHeader(316_196_720_000, 4, 77, 77, "kworker/u16:1"), e.Header);
        Assert.Equal(EventKind.TracingMark, e.Kind);
        Assert.Equal("0", e.Name);
        Assert.Equal("B|77|frame", e.Text);
    }

    [Fact]
    public void Tgid_column_with_dashes_means_unknown()
    {
        var e = Single("           <...>-1234    (-------) [001] .....   100.000001: binder_ioctl_done: ret=0");
        Assert.Equal(new EventHeader(100_000_001_000, 1, 1234, -1, "<...>"), e.Header);
    }

    [Fact]
    public void Tgid_column_current_width()
    {
        var e = Single("       binder_wl-272     (    268) [003] .....     5.000000: binder_ioctl_done: ret=0");
        Assert.Equal(268, e.Tgid);
        Assert.Equal(272, e.Pid);
    }

    [Theory]
    [InlineData(" Jit thread pool-4321    [000] .....    10.000000: binder_ioctl_done: ret=0", "Jit thread pool", 4321)]
    [InlineData("irq/29-iwlwifi-559     [002] d.h1.    10.000000: binder_ioctl_done: ret=0", "irq/29-iwlwifi", 559)]
    [InlineData("  foo-bar-12-999     [000] .....    10.000000: binder_ioctl_done: ret=0", "foo-bar-12", 999)]
    [InlineData("   Binder:1234_5-1250    [000] .....    10.000000: binder_ioctl_done: ret=0", "Binder:1234_5", 1250)]
    public void Comms_with_spaces_and_dashes(string line, string comm, int pid)
    {
        var e = Single(line);
        Assert.Equal(comm, e.Comm);
        Assert.Equal(pid, e.Pid);
        Assert.Equal(10_000_000_000, e.Timestamp);
    }

    [Fact]
    public void Utf8_comm_is_padded_by_bytes()
    {
        // "wörker" is 7 bytes in UTF-8 (ö = C3 B6), so %16s pads it with 9 spaces, not 10.
        var e = Single("         wörker-42      [000] .....    10.000000: binder_ioctl_done: ret=0");
        Assert.Equal("wörker", e.Comm);
        Assert.Equal(42, e.Pid);
    }

    [Fact]
    public void Raw_integer_timestamp_is_kept_as_ticks()
    {
        var (events, source) = Parse("       binder_wl-268     [000] .....  123456789012: binder_ioctl_done: ret=0\n");
        Assert.Equal(123456789012, Assert.Single(events).Timestamp);
        Assert.Equal(TraceClockKind.Ticks, source.Info.Clock);
    }

    [Fact]
    public void Sec_usec_timestamps_are_nanoseconds()
    {
        var (events, source) = Parse("       binder_wl-268     [000] .....  1234.000001: binder_ioctl_done: ret=0\n");
        Assert.Equal(1_234_000_001_000, Assert.Single(events).Timestamp);
        Assert.Equal(TraceClockKind.Nanoseconds, source.Info.Clock);
    }

    [Fact]
    public void Nine_digit_fraction_of_trace_cmd_t_is_already_nanoseconds()
    {
        var e = Single("       binder_wl-268 [000] .....  1234.000000001: binder_ioctl_done: ret=0");
        Assert.Equal(1_234_000_000_001, e.Timestamp);
    }

    [Fact]
    public void Crlf_line_ends_from_adb_are_stripped()
    {
        var (events, source) = Parse("       binder_wl-268     [000] .....  1.000000: tracing_mark_write: hello\r\n");
        Assert.Equal("hello", Assert.Single(events).Text);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Unknown_event_is_kept_as_generic_with_its_payload()
    {
        var e = Single("       binder_wl-268     [000] .....  1.000000: binder_transaction_fd_send: transaction=5 src_fd=3 offset=8");
        Assert.Equal(EventKind.Generic, e.Kind);
        Assert.Equal("binder_transaction_fd_send", e.Name);
        Assert.Equal("transaction=5 src_fd=3 offset=8", e.Text);
    }

    [Theory]
    [InlineData("print")]
    [InlineData("tracing_mark_write")]
    [InlineData("0")]
    public void Marker_events_under_all_three_names(string name)
    {
        var e = Single($"       binder_wl-267     [003] .....     5.003763: {name}: binder_wl: phase A-warmup begin");
        Assert.Equal(EventKind.TracingMark, e.Kind);
        Assert.Equal(name, e.Name);
        Assert.Equal("binder_wl: phase A-warmup begin", e.Text);
    }

    // Each line is one byte or column off the kernel's own layout (%-7d [%03d] %5s %5lu.%06lu) and is read by the
    // general grammar of FORMATS.md §1.2 (expected values read off the line), or is no event line at all.
    [Theory]
    [InlineData("       binder_wl-272     [003] ...1. 123456.008726: binder_ioctl_done: ret=0", 272, -1, 3, 123_456_008_726_000L)] // 6 second digits
    [InlineData("       binder_wl-272     [1024] ...1.     5.008726: binder_ioctl_done: ret=0", 272, -1, 1024, 5_008_726_000L)] // 4 cpu digits
    [InlineData("       binder_wl-12345678 [003] ...1.     5.008726: binder_ioctl_done: ret=0", 12_345_678, -1, 3, 5_008_726_000L)] // 8 pid digits
    [InlineData("       binder_wl-272     (    268) [003] ...1.     5.008726: binder_ioctl_done: ret=0", 272, 268, 3, 5_008_726_000L)] // tgid
    [InlineData("       binder_wl-272     [003] ...1.     5.008726:  binder_ioctl_done: ret=0", 272, -1, 3, 5_008_726_000L)] // two blanks before the name
    [InlineData("       binder_wl-272     [003] ...1.     5.008726123: binder_ioctl_done: ret=0", 272, -1, 3, 5_008_726_123L)] // 9 fraction digits
    [InlineData("       binder_wl-272     [003] ...1.  5.008726: binder_ioctl_done: ret=0", 272, -1, 3, 5_008_726_000L)] // narrow seconds
    [InlineData("       binder_wl-272     [003] ....     5.008726: binder_ioctl_done: ret=0", 272, -1, 3, 5_008_726_000L)] // 4 flag columns
    [InlineData("       binder_wl-272   [003] ...1.     5.008726: binder_ioctl_done: ret=0", 272, -1, 3, 5_008_726_000L)] // trace-cmd's %-5d pid
    [InlineData("       binder_wl-272     [003] ...1.     5.0087: binder_ioctl_done: ret=0", 272, -1, 3, 5_008_700_000L)] // 4 fraction digits
    [InlineData("       binder_wl-272     [003] ...1.     5.0087261: binder_ioctl_done: ret=0", 272, -1, 3, 5_008_726_100L)] // 7 fraction digits
    [InlineData("       binder_wl-272     [003] ...1.     5.00872a: binder_ioctl_done: ret=0", -2, 0, 0, 0L)] // not a timestamp: no event
    [InlineData("       binder_wl-272     [003] ...1.     5.0087;6: binder_ioctl_done: ret=0", -2, 0, 0, 0L)] // ';' (0x3B) among six fraction bytes: no event
    [InlineData("       binder_wl-272     [003] ...1.     5.008726 : binder_ioctl_done: ret=0", -2, 0, 0, 0L)] // six digits, then no ':': no event
    [InlineData("       binder_wl-272     [003] ...1.     5.008726:", -2, 0, 0, 0L)] // the line ends after the timestamp: no event
    [InlineData("       binder_wl-272     [003] ...1.     5.008726: : binder_ioctl_done: ret=0", -2, 0, 0, 0L)] // empty event name: no event
    public void Lines_off_the_kernels_columns_are_read_by_the_general_grammar(string line, int pid, int tgid, int cpu, long timestamp)
    {
        var (events, source) = Parse("# tracer: nop\n" + line + "\n");
        if (pid == -2)
        {
            Assert.Empty(events);
            Assert.Equal(1, source.Diagnostics.UnparsedLines);
            return;
        }

        var e = Assert.Single(events);
        Assert.Equal(new EventHeader(timestamp, cpu, pid, tgid, "binder_wl"), e.Header);
        Assert.Equal(EventKind.BinderIoctlDone, e.Kind);
        Assert.Equal(0, e.ReturnValue);
    }

    [Fact]
    public void Comm_strings_are_shared_between_lines()
    {
        var (events, _) = Parse(
            "       binder_wl-268     [000] .....  1.000000: binder_ioctl_done: ret=0\n" +
            "       binder_wl-269     [001] .....  1.000001: binder_ioctl_done: ret=0\n");
        Assert.Same(events[0].Comm, events[1].Comm);
        Assert.Same(events[0].Name, events[1].Name);
    }
}
