using System.Runtime.ExceptionServices;
using BinderTrace.Events;

namespace BinderTrace.Parsers;

/// <summary>
/// Sees every batch of events a <see cref="PrefetchingEventSource"/> hands over, in order, on a thread of its own.
/// The span is valid only during the call.
/// </summary>
public delegate void EventBatchTap(ReadOnlySpan<TraceEvent> events);

/// <summary>
/// Runs another event source on a background thread, handing its events over in batches through a bounded
/// queue, so parsing and whatever consumes the events (analysis, export) use two cores. The order of events,
/// and of an exception among them, is the inner source's; memory is bounded by
/// <see cref="BatchesInFlight"/> × <see cref="BatchSize"/> events. <see cref="Info"/> and
/// <see cref="Diagnostics"/> are the inner source's and are complete once <see cref="TryRead"/> has returned false.
/// <para>
/// An optional <see cref="EventBatchTap"/> is a second consumer: it receives the very same batches on a third
/// thread, concurrently with the reader, and a batch is reused only when both are done with it. That lets one
/// pass feed two consumers (the events table and the analysis) without copying an event. The reader's
/// <see cref="TryRead"/> reports the end (false, or the inner source's exception) only once the tap has seen every
/// event; an exception of the tap is thrown to the reader at its next batch or at the end.
/// </para>
/// </summary>
public sealed class PrefetchingEventSource : ITraceEventBatchSource
{
    /// <summary>Events per hand-over: large enough that the hand-over's synchronisation is amortised (the arrays are reused).</summary>
    public const int BatchSize = 4096;

    public const int BatchesInFlight = 4;

    private readonly ITraceEventSource _inner;
    private readonly IEventSegmentSource? _segments;
    private ArraySegment<TraceEvent> _innerSegment;
    private readonly EventBatchTap? _tap;
    private readonly HandOverQueue<Batch> _filled = new(BatchesInFlight);
    private readonly HandOverQueue<Batch>? _tapped;
    private readonly HandOverQueue<TraceEvent[]> _empty;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private readonly Task? _tapRunner;
    private Batch? _current;
    private TraceEvent[] _events = [];
    private int _count;
    private int _next;
    private Exception? _tapError;
    private bool _disposed;

    public PrefetchingEventSource(ITraceEventSource inner)
        : this(inner, tap: null)
    {
    }

    public PrefetchingEventSource(ITraceEventSource inner, EventBatchTap? tap)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _segments = inner as IEventSegmentSource;
        _tap = tap;
        // One array being filled and one held by each consumer, beyond those queued.
        var arrays = BatchesInFlight + (tap is null ? 2 : 3);
        _empty = new HandOverQueue<TraceEvent[]>(arrays);
        for (var i = 0; i < arrays; i++)
        {
            _empty.Add(new TraceEvent[BatchSize], CancellationToken.None);
        }

        if (tap is not null)
        {
            _tapped = new HandOverQueue<Batch>(arrays);
        }

        _stop.Token.Register(() =>
        {
            _filled.WakeAll();
            _tapped?.WakeAll();
            _empty.WakeAll();
        });
        if (tap is not null)
        {
            _tapRunner = Task.Factory.StartNew(RunTap, TaskCreationOptions.LongRunning);
        }

        _producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
    }

    public TraceSourceInfo Info => _inner.Info;

    public TraceDiagnostics Diagnostics => _inner.Diagnostics;

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (_next == _count)
        {
            if (_current is { Last: true })
            {
                traceEvent = default;
                return Finish();
            }

            NextBatch();
        }

        traceEvent = _events[_next++];
        return true;
    }

    public ReadOnlySpan<TraceEvent> ReadBatch()
    {
        while (_next == _count)
        {
            if (_current is { Last: true })
            {
                Finish();
                return [];
            }

            NextBatch();
        }

        var batch = _events.AsSpan(_next, _count - _next);
        _next = _count;
        return batch;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        try
        {
            Task.WaitAll(_tapRunner is null ? [_producer] : [_producer, _tapRunner]);
        }
        catch (AggregateException)
        {
            // The reader was told to stop (usually while waiting for room, sometimes while the inner source was
            // failing): nobody will read what it was doing, and Dispose must not throw.
        }

        _inner.Dispose();
        _stop.Dispose();
    }

    private void NextBatch()
    {
        ThrowIfTapFailed();
        if (_current is not null)
        {
            Release(_current);
        }

        try
        {
            _current = _filled.Take(_stop.Token);
        }
        catch (OperationCanceledException) when (_tapError is not null)
        {
            ThrowIfTapFailed();
        }

        _events = _current!.Events;
        _count = _current.Count;
        _next = 0;
    }

    /// <summary>At the end of the stream, once the tap is done with it: the inner source's error, else the tap's, else false.</summary>
    private bool Finish()
    {
        _tapRunner?.Wait();
        if (_current!.Error is { } error)
        {
            _current.Error = null;
            ExceptionDispatchInfo.Capture(error).Throw();
        }

        ThrowIfTapFailed();
        return false;
    }

    private void ThrowIfTapFailed()
    {
        if (Interlocked.Exchange(ref _tapError, null) is { } error)
        {
            // Thrown once; what the reader sees afterwards is the end of the stream.
            _current = new Batch([], 0, last: true, error: null, holders: 1);
            _events = [];
            _count = _next = 0;
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    private void Release(Batch batch)
    {
        if (batch.Release() && batch.Events.Length > 0)
        {
            _empty.Add(batch.Events, CancellationToken.None);
        }
    }

    private void Produce()
    {
        var token = _stop.Token;
        while (true)
        {
            var events = _empty.Take(token);
            var count = 0;
            Exception? error = null;
            try
            {
                if (_segments is null)
                {
                    FillOneByOne(events, ref count);
                }
                else
                {
                    FillFromSegments(events, ref count);
                }
            }
            catch (Exception exception) when (!token.IsCancellationRequested)
            {
                // Thrown to the reader after the events before it, where a synchronous reader would have thrown it.
                error = exception;
            }

            var last = error is not null || count < events.Length;
            var batch = new Batch(events, count, last, error, holders: _tapped is null ? 1 : 2);
            _tapped?.Add(batch, token);
            _filled.Add(batch, token);
            if (last)
            {
                return;
            }
        }
    }

    private void FillOneByOne(TraceEvent[] events, ref int count)
    {
        while (count < events.Length && _inner.TryRead(out events[count]))
        {
            count++;
        }
    }

    /// <summary>Copies whole runs of the inner source's segments; a segment larger than the room left continues in the next array.</summary>
    private void FillFromSegments(TraceEvent[] events, ref int count)
    {
        while (count < events.Length)
        {
            if (_innerSegment.Count == 0)
            {
                _innerSegment = _segments!.ReadSegment();
                if (_innerSegment.Count == 0)
                {
                    break;
                }
            }

            var n = Math.Min(_innerSegment.Count, events.Length - count);
            _innerSegment.AsSpan(0, n).CopyTo(events.AsSpan(count));
            _innerSegment = _innerSegment[n..];
            count += n;
        }
    }

    private void RunTap()
    {
        var token = _stop.Token;
        try
        {
            while (true)
            {
                var batch = _tapped!.Take(token);
                _tap!(batch.Events.AsSpan(0, batch.Count));
                Release(batch);
                if (batch.Last)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (!token.IsCancellationRequested)
        {
            _tapError = exception;
            // Stops the reading and wakes a reader waiting for a batch, which then throws the tap's exception.
            _stop.Cancel();
        }
    }

    /// <summary>
    /// A hand-over of <see cref="Count"/> events; the <see cref="Last"/> one may carry the inner source's exception,
    /// thrown after its events. Its array goes back to the pool when every holder (reader, tap) has released it.
    /// </summary>
    private sealed class Batch(TraceEvent[] events, int count, bool last, Exception? error, int holders)
    {
        private int _holders = holders;

        public TraceEvent[] Events { get; } = events;

        public int Count { get; } = count;

        public bool Last { get; } = last;

        public Exception? Error { get; set; } = error;

        public bool Release() => Interlocked.Decrement(ref _holders) == 0;
    }
}
