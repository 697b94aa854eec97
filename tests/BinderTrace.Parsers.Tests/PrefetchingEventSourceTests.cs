using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

public sealed class PrefetchingEventSourceTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(PrefetchingEventSource.BatchSize - 1)]
    [InlineData(PrefetchingEventSource.BatchSize)]
    [InlineData(PrefetchingEventSource.BatchSize + 1)]
    [InlineData(PrefetchingEventSource.BatchSize * (PrefetchingEventSource.BatchesInFlight + 3))]
    public void Hands_over_every_event_in_order(int count)
    {
        var inner = new NumberedSource(count);
        using var prefetching = new PrefetchingEventSource(inner);

        var timestamps = Drain(prefetching);

        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), timestamps);
        Assert.Same(inner.Diagnostics, prefetching.Diagnostics);
        Assert.Equal(count, prefetching.Diagnostics.EventsRead);
        Assert.False(prefetching.TryRead(out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(PrefetchingEventSource.BatchSize)]
    [InlineData(PrefetchingEventSource.BatchSize * 3 + 5)]
    public void An_error_of_the_inner_source_arrives_after_the_events_before_it(int failAt)
    {
        using var prefetching = new PrefetchingEventSource(new NumberedSource(failAt + 100, failAt));
        var read = 0;

        var error = Assert.Throws<TraceFormatException>(() =>
        {
            while (prefetching.TryRead(out var e))
            {
                Assert.Equal(read, e.Timestamp);
                read++;
            }
        });

        Assert.Equal(failAt, read);
        Assert.Contains($"line {failAt + 1}", error.Message);
        Assert.False(prefetching.TryRead(out _));
    }

    [Fact]
    public async Task A_cancellation_raised_by_the_inner_source_reaches_the_reader_instead_of_hanging_it()
    {
        using var prefetching = new PrefetchingEventSource(new NumberedSource(1000, failAt: 600, cancel: true));

        var reading = Task.Run(() => Assert.Throws<OperationCanceledException>(() =>
        {
            while (prefetching.TryRead(out _))
            {
            }
        }));

        await reading.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var prefetching = new PrefetchingEventSource(new NumberedSource(10));
        prefetching.Dispose();
        prefetching.Dispose();
    }

    [Fact]
    public async Task Disposing_before_the_end_stops_the_background_reader_and_disposes_the_inner_source()
    {
        var inner = new NumberedSource(1_000_000);
        var prefetching = new PrefetchingEventSource(inner);
        Assert.True(prefetching.TryRead(out _));

        await Task.Run(prefetching.Dispose).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(inner.Disposed);
        Assert.True(inner.Produced < 1_000_000, "the background reader kept reading after Dispose");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(PrefetchingEventSource.BatchSize - 1)]
    [InlineData(PrefetchingEventSource.BatchSize * (PrefetchingEventSource.BatchesInFlight + 5) + 17)]
    public void A_tap_sees_every_event_in_order_before_the_reader_sees_the_end(int count)
    {
        var tapped = new List<long>();
        var tapDone = false;
        using var prefetching = new PrefetchingEventSource(new NumberedSource(count), batch =>
        {
            foreach (var e in batch)
            {
                tapped.Add(e.Timestamp);
            }

            // A slow tap: the reader must still not see the end before the tap has had every batch.
            Thread.Sleep(1);
            tapDone = tapped.Count == count;
        });

        var read = Drain(prefetching);

        Assert.True(tapDone, "TryRead returned false before the tap had seen every event");
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), read);
        Assert.Equal(read, tapped);
    }

    [Fact]
    public async Task An_exception_of_the_tap_reaches_the_reader_and_stops_the_reading()
    {
        var inner = new NumberedSource(10_000_000);
        using var prefetching = new PrefetchingEventSource(inner, batch =>
        {
            if (batch[0].Timestamp >= PrefetchingEventSource.BatchSize * 3)
            {
                throw new IOException("disk full");
            }
        });

        var reading = Task.Run(() => Assert.Throws<IOException>(() => Drain(prefetching)));
        var error = await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("disk full", error.Message);
        Assert.True(inner.Produced < 10_000_000, "the background reader kept reading after the tap failed");
        Assert.False(prefetching.TryRead(out _));
    }

    [Fact]
    public void With_a_tap_an_error_of_the_inner_source_still_arrives_after_the_events_before_it()
    {
        const int failAt = (PrefetchingEventSource.BatchSize * 2) + 9;
        var tapped = 0;
        using var prefetching = new PrefetchingEventSource(new NumberedSource(failAt + 100, failAt), batch => tapped += batch.Length);
        var read = 0;

        Assert.Throws<TraceFormatException>(() =>
        {
            while (prefetching.TryRead(out _))
            {
                read++;
            }
        });

        Assert.Equal(failAt, read);
        Assert.Equal(failAt, tapped);
    }

    [Fact]
    public async Task Disposing_before_the_end_stops_the_tap_and_the_background_reader()
    {
        var inner = new NumberedSource(1_000_000);
        var prefetching = new PrefetchingEventSource(inner, _ => Thread.Sleep(1));
        Assert.True(prefetching.TryRead(out _));

        await Task.Run(prefetching.Dispose).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(inner.Disposed);
        Assert.True(inner.Produced < 1_000_000, "the background reader kept reading after Dispose");
    }

    private static List<long> Drain(PrefetchingEventSource source)
    {
        var timestamps = new List<long>();
        while (source.TryRead(out var e))
        {
            timestamps.Add(e.Timestamp);
        }

        return timestamps;
    }

    /// <summary>Events with timestamps 0, 1, 2…; at <c>failAt</c> throws a strict-mode style error, or a cancellation.</summary>
    private sealed class NumberedSource(int count, int failAt = -1, bool cancel = false) : ITraceEventSource
    {
        public TraceSourceInfo Info { get; } = new() { SourceName = "numbered" };

        public TraceDiagnostics Diagnostics { get; } = new();

        public int Produced { get; private set; }

        public bool Disposed { get; private set; }

        public bool TryRead(out TraceEvent traceEvent)
        {
            if (Produced == failAt && cancel)
            {
                throw new OperationCanceledException("export cancelled");
            }

            if (Produced == failAt)
            {
                throw new TraceFormatException("numbered", failAt + 1, 0, $"line {failAt + 1} is bad");
            }

            if (Produced == count)
            {
                traceEvent = default;
                return false;
            }

            traceEvent = TraceEvent.ForTransactionReceived(new EventHeader(Produced, 0, 1, -1, "t"), Produced);
            Produced++;
            Diagnostics.EventsRead++;
            return true;
        }

        public void Dispose() => Disposed = true;
    }
}
