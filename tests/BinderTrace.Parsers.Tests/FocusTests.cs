using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Tests;

/// <summary><see cref="TimeWindow"/> parsing and <see cref="PhaseTracker"/> on hand-written marker events.</summary>
public sealed class FocusTests
{
    [Theory]
    [InlineData("1.5s..2s", 1_500_000_000L, 2_000_000_000L)]
    [InlineData("300ms..", 300_000_000L, null)]
    [InlineData("..2000000ns", null, 2_000_000L)]
    [InlineData("20us..0.000021s", 20_000L, 21_000L)]
    public void Window_bounds_are_exact_nanoseconds(string text, long? start, long? end)
    {
        var window = TimeWindow.Parse(text);

        Assert.Equal(start, window.StartNs);
        Assert.Equal(end, window.EndNs);
        Assert.Equal(window, TimeWindow.Parse(window.ToString()));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("5..6")]
    [InlineData("..")]
    [InlineData("1.5.5s..")]
    [InlineData("0.0000000001s..")]
    [InlineData("-1s..")]
    public void Malformed_windows_are_refused(string text) =>
        Assert.Throws<FormatException>(() => TimeWindow.Parse(text));

    [Fact]
    public void Start_is_inclusive_and_end_exclusive()
    {
        var window = TimeWindow.Parse("10ns..20ns");

        Assert.False(window.Contains(9));
        Assert.True(window.Contains(10));
        Assert.True(window.Contains(19));
        Assert.False(window.Contains(20));
    }

    /// <summary>atrace slices nest per pid (FORMATS.md §1.7): E closes the innermost B of its pid.</summary>
    [Fact]
    public void Atrace_slices_open_and_close_by_pid()
    {
        var phases = new PhaseTracker();

        phases.OnEvent(Mark(1, 100, "B|100|outer"));
        phases.OnEvent(Mark(2, 100, "B|100|inner\n"));
        phases.OnEvent(Mark(3, 200, "B|200|other"));
        Assert.True(phases.IsOpen("inner"));
        phases.OnEvent(Mark(4, 100, "E|100"));
        Assert.False(phases.IsOpen("inner"));
        Assert.True(phases.IsOpen("outer"));
        Assert.True(phases.IsOpen("other"));
        phases.OnEvent(Mark(5, 100, "E"));

        Assert.False(phases.IsOpen("outer"));
        Assert.Equal(["outer", "inner", "other"], phases.Names);
        Assert.Equal(new PhaseSpan("outer", 1, 5), phases.Spans[0]);
        Assert.Equal(new PhaseSpan("other", 3, -1), phases.Spans[2]);
    }

    [Fact]
    public void Phase_words_with_any_prefix_open_and_close_and_other_markers_are_ignored()
    {
        var phases = new PhaseTracker();

        Assert.True(phases.OnEvent(Mark(1, 7, "binder_wl: phase B-contention begin")));
        Assert.False(phases.OnEvent(Mark(2, 7, "binder_wl: drop_caches begin")));
        Assert.True(phases.IsOpen("B-contention"));
        Assert.True(phases.OnEvent(Mark(3, 7, "phase B-contention end")));

        Assert.Equal([new PhaseSpan("B-contention", 1, 3)], phases.Spans);
    }

    private static TraceEvent Mark(long ts, int pid, string text) =>
        TraceEvent.ForTracingMark(new EventHeader(ts, 0, pid, -1, "app"), "tracing_mark_write", text);
}
