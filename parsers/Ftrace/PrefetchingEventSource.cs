using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using BinderTrace.Events;

namespace BinderTrace.Parsers;

/// <summary>
/// Runs another event source on a background thread, handing its events over in batches through a bounded
/// queue, so parsing and whatever consumes the events (analysis, export) use two cores. The order of events,
/// and of an exception among them, is the inner source's; memory is bounded by
/// <see cref="BatchesInFlight"/> × <see cref="BatchSize"/> events. <see cref="Info"/> and
/// <see cref="Diagnostics"/> are the inner source's and are complete once <see cref="TryRead"/> has returned false.
/// </summary>
public sealed class PrefetchingEventSource : ITraceEventSource
{
    /// <summary>Events per hand-over: large enough that the hand-over's synchronisation is amortised (the arrays are reused).</summary>
    public const int BatchSize = 4096;

    public const int BatchesInFlight = 4;

    private readonly ITraceEventSource _inner;
    private readonly BlockingCollection<Batch> _filled = new(BatchesInFlight);
    private readonly BlockingCollection<TraceEvent[]> _empty = new(BatchesInFlight + 2);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private Batch _current = new([], 0, Last: false, Error: null);
    private int _next;
    private bool _disposed;

    public PrefetchingEventSource(ITraceEventSource inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        for (var i = 0; i < BatchesInFlight + 2; i++)
        {
            _empty.Add(new TraceEvent[BatchSize]);
        }

        _producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
    }

    public TraceSourceInfo Info => _inner.Info;

    public TraceDiagnostics Diagnostics => _inner.Diagnostics;

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (_next == _current.Count)
        {
            if (_current.Last)
            {
                if (_current.Error is { } error)
                {
                    _current = _current with { Error = null };
                    ExceptionDispatchInfo.Capture(error).Throw();
                }

                traceEvent = default;
                return false;
            }

            NextBatch();
        }

        traceEvent = _current.Events[_next++];
        return true;
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
            _producer.Wait();
        }
        catch (AggregateException)
        {
            // The reader was told to stop (usually while waiting for room, sometimes while the inner source was
            // failing): nobody will read what it was doing, and Dispose must not throw.
        }

        _inner.Dispose();
        _filled.Dispose();
        _empty.Dispose();
        _stop.Dispose();
    }

    private void NextBatch()
    {
        if (_current.Events.Length > 0)
        {
            _empty.Add(_current.Events);
        }

        _current = _filled.Take();
        _next = 0;
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
                while (count < events.Length && _inner.TryRead(out events[count]))
                {
                    count++;
                }
            }
            catch (Exception exception) when (!token.IsCancellationRequested)
            {
                // Thrown to the reader after the events before it, where a synchronous reader would have thrown it.
                error = exception;
            }

            var last = error is not null || count < events.Length;
            _filled.Add(new Batch(events, count, last, error), token);
            if (last)
            {
                return;
            }
        }
    }

    /// <summary>A hand-over of <see cref="Count"/> events; the <see cref="Last"/> one may carry the inner source's exception, thrown after its events.</summary>
    private readonly record struct Batch(TraceEvent[] Events, int Count, bool Last, Exception? Error);
}
