using BinderTrace.Events;
using BinderTrace.Parsers;
using FsCheck;
using FsCheck.Fluent;

namespace BinderTrace.Tests;

public class TimestampReordererTests
{
    [Fact]
    public void Sorted_input_passes_through_unchanged_and_uncounted()
    {
        var (output, diagnostics) = Reorder([1, 2, 2, 3, 10], window: 2);
        Assert.Equal([1L, 2, 2, 3, 10], output.Select(e => e.Timestamp));
        Assert.Equal(0, diagnostics.ReorderedEvents);
        Assert.Equal(0, diagnostics.LateEvents);
    }

    [Fact]
    public void Disorder_within_the_window_is_repaired_and_counted()
    {
        // 5 arrives 2 places early; the window of 2 holds enough to put 3 and 4 before it.
        var (output, diagnostics) = Reorder([1, 5, 3, 4, 6], window: 2);
        Assert.Equal([1L, 3, 4, 5, 6], output.Select(e => e.Timestamp));
        Assert.Equal(2, diagnostics.ReorderedEvents); // 3 and 4 arrived after the larger 5
        Assert.Equal(0, diagnostics.LateEvents);
    }

    [Fact]
    public void Equal_timestamps_keep_arrival_order()
    {
        var (output, _) = Reorder([5, 1, 5, 1, 5], window: 8);
        // Arrival numbers are the pids: the three 5s keep order 0, 2, 4 and the 1s keep 1, 3.
        Assert.Equal([1, 3, 0, 2, 4], output.Select(e => e.Pid));
    }

    [Fact]
    public void Events_older_than_what_was_handed_out_are_late_and_kept_in_arrival_order()
    {
        // Window 1: when 2 and then 1 arrive, 10 and 20 are gone already.
        var (output, diagnostics) = Reorder([10, 20, 30, 2, 1, 40], window: 1);
        Assert.Equal([10L, 20, 2, 1, 30, 40], output.Select(e => e.Timestamp));
        Assert.Equal(2, diagnostics.LateEvents);
    }

    [Fact]
    public void Window_zero_passes_everything_through_in_arrival_order()
    {
        var (output, diagnostics) = Reorder([3, 1, 2], window: 0);
        Assert.Equal([3L, 1, 2], output.Select(e => e.Timestamp));
        Assert.Equal(2, diagnostics.LateEvents);
    }

    /// <summary>
    /// Property (STYLE.md): the output is always a permutation of the input, and it is the stable sort of the
    /// input whenever no event arrives more than <c>window</c> places after its place in the stable sort.
    /// Inputs are made by sorting by "rank + jitter" with jitter in [0, window], which keeps every event
    /// within the window, plus fully random inputs that usually do not fit.
    /// </summary>
    [Fact]
    public void Output_is_sorted_when_disorder_fits_the_window_and_always_a_permutation()
    {
        var gen =
            from window in Gen.Choose(0, 12)
            from timestamps in Gen.ListOf(Gen.Choose(0, 40))
            from jitter in Gen.ArrayOf(Gen.Choose(0, 12), timestamps.Count)
            from shuffle in Gen.Elements(true, false)
            select (window, timestamps.Select(t => (long)t).ToArray(), jitter, shuffle);

        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (window, timestamps, jitter, shuffle) = input;
            var arrival = shuffle ? JitteredOrder(timestamps, jitter, window) : timestamps;
            var (output, _) = Reorder(arrival, window);
            var stable = Enumerable.Range(0, arrival.Length).OrderBy(i => arrival[i]).ToArray();

            var permutation = output.Select(e => e.Pid).Order().SequenceEqual(Enumerable.Range(0, arrival.Length));
            var fits = FitsWindow(stable, window);
            var sorted = output.Select(e => e.Pid).SequenceEqual(stable);
            return permutation && (!fits || sorted);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_property_generator_really_produces_inputs_that_fit_and_need_reordering()
    {
        // Guards the property above against a generator that only ever makes sorted or unfit inputs.
        long[] timestamps = [5, 1, 4, 2, 3];
        var stable = Enumerable.Range(0, 5).OrderBy(i => timestamps[i]).ToArray();
        Assert.True(FitsWindow(stable, 3));
        Assert.False(FitsWindow(stable, 0));
        var (output, diagnostics) = Reorder(timestamps, window: 3);
        Assert.Equal([1L, 2, 3, 4, 5], output.Select(e => e.Timestamp));
        Assert.True(diagnostics.ReorderedEvents > 0);
    }

    /// <summary>
    /// The batch path over a source that hands out segments (the text reader's): long, mostly ordered inputs in
    /// segments of random sizes, so that runs are held, wrap around the ring and are handed on from it and in place.
    /// Each batch is checked before the next call (a batch is only valid until then), against LINQ's stable sort.
    /// </summary>
    [Fact]
    public void Batches_from_a_segment_source_are_the_stable_sort_when_disorder_fits_the_window()
    {
        var gen =
            from window in Gen.Choose(1, 300)
            from length in Gen.Choose(0, 5000)
            from seed in Gen.Choose(0, int.MaxValue)
            select (window, length, seed);

        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (window, length, seed) = input;
            var random = new Random(seed);
            var timestamps = new long[length];
            var jitter = new int[length];
            for (var i = 0; i < length; i++)
            {
                timestamps[i] = i / 3;
                jitter[i] = random.Next(100) < 2 ? random.Next(window + 1) : 0;
            }

            var arrival = JitteredOrder(timestamps, jitter, window);
            var stable = Enumerable.Range(0, arrival.Length).OrderBy(i => arrival[i]).ToArray();
            using var reorderer = new TimestampReorderer(new SegmentSource(arrival, random), window);
            var output = new List<int>();
            for (var batch = reorderer.ReadBatch(); !batch.IsEmpty; batch = reorderer.ReadBatch())
            {
                foreach (var traceEvent in batch)
                {
                    output.Add(traceEvent.Pid);
                }
            }

            return FitsWindow(stable, window) && output.SequenceEqual(stable);
        }).QuickCheckThrowOnFailure();
    }

    /// <summary>Event i (arrival position) sits at place p in the stable sort; it fits when i - p &lt;= window.</summary>
    private static bool FitsWindow(int[] stableOrder, int window)
    {
        for (var place = 0; place < stableOrder.Length; place++)
        {
            if (stableOrder[place] - place > window)
            {
                return false;
            }
        }

        return true;
    }

    private static long[] JitteredOrder(long[] timestamps, int[] jitter, int window)
    {
        var ranked = timestamps.Order().ToArray();
        return Enumerable.Range(0, ranked.Length)
            .OrderBy(i => i + Math.Min(jitter[i], window))
            .Select(i => ranked[i])
            .ToArray();
    }

    private static (List<TraceEvent> Output, TraceDiagnostics Diagnostics) Reorder(long[] timestamps, int window)
    {
        using var reorderer = new TimestampReorderer(new ListSource(timestamps), window);
        return (TraceInput.ReadAll(reorderer), reorderer.Diagnostics);
    }

    /// <summary>Events carrying their arrival number in <see cref="TraceEvent.Pid"/>, handed out in segments of random sizes from one reused array.</summary>
    private sealed class SegmentSource(long[] timestamps, Random random) : IEventSegmentSource
    {
        private readonly TraceEvent[] _buffer = new TraceEvent[700];
        private int _next;

        public TraceSourceInfo Info { get; } = new() { SourceName = "segments" };

        public TraceDiagnostics Diagnostics { get; } = new();

        public bool ParsesAhead => false;

        public ArraySegment<TraceEvent> ReadSegment()
        {
            var count = Math.Min(timestamps.Length - _next, random.Next(1, _buffer.Length + 1));
            var offset = random.Next(_buffer.Length - count + 1);
            for (var i = 0; i < count; i++)
            {
                _buffer[offset + i] = TraceEvent.ForGeneric(new EventHeader(timestamps[_next], 0, _next, -1, "t"), "e", "");
                _next++;
            }

            return new ArraySegment<TraceEvent>(_buffer, offset, count);
        }

        public bool TryRead(out TraceEvent traceEvent) => throw new InvalidOperationException("The reorderer reads segments.");

        public void Dispose()
        {
        }
    }

    /// <summary>Events carrying their arrival number in <see cref="TraceEvent.Pid"/>.</summary>
    private sealed class ListSource(long[] timestamps) : ITraceEventSource
    {
        private int _next;

        public TraceSourceInfo Info { get; } = new() { SourceName = "list" };

        public TraceDiagnostics Diagnostics { get; } = new();

        public bool TryRead(out TraceEvent traceEvent)
        {
            if (_next == timestamps.Length)
            {
                traceEvent = default;
                return false;
            }

            traceEvent = TraceEvent.ForGeneric(new EventHeader(timestamps[_next], 0, _next, -1, "t"), "e", "");
            _next++;
            return true;
        }

        public void Dispose()
        {
        }
    }
}
