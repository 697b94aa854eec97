using System.Runtime.ExceptionServices;
using BinderTrace.Events;

namespace BinderTrace.Pipeline;

/// <summary>
/// The threaded form of a <see cref="TracePass"/>: a reader thread fills pooled arrays (through the focus stage) and
/// hands each to every lane of consumers; a lane runs on a thread of its own (the first on the caller's); an array goes
/// back to the pool when every lane has released it. The reader's error travels with the last batch, so each lane has
/// seen the events before it; a lane's error cancels the others and the reader.
/// </summary>
internal sealed class BatchHandOver
{
    private readonly EventBatchReader _reader;
    private readonly FocusFilter? _focus;
    private readonly TraceSourceInfo _info;
    private readonly IReadOnlyList<IReadOnlyList<ITraceEventConsumer>> _lanes;
    private readonly HandOverQueue<TraceEvent[]> _empty;
    private readonly HandOverQueue<Batch>[] _filled;
    private Exception? _readError;
    private Exception? _consumerError;

    public BatchHandOver(
        EventBatchReader reader, FocusFilter? focus, TraceSourceInfo info, IReadOnlyList<IReadOnlyList<ITraceEventConsumer>> lanes, int batchesInFlight)
    {
        _reader = reader;
        _focus = focus;
        _info = info;
        _lanes = lanes;
        // Beyond those queued: one array being filled and one held by each lane.
        var arrays = batchesInFlight + 1 + lanes.Count;
        _empty = new HandOverQueue<TraceEvent[]>(arrays);
        for (var i = 0; i < arrays; i++)
        {
            _empty.Add(new TraceEvent[TracePass.BatchSize], CancellationToken.None);
        }

        _filled = new HandOverQueue<Batch>[lanes.Count];
        for (var i = 0; i < lanes.Count; i++)
        {
            _filled[i] = new HandOverQueue<Batch>(arrays);
        }
    }

    public void Run(CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var wake = stop.Token.Register(() =>
        {
            _empty.WakeAll();
            foreach (var queue in _filled)
            {
                queue.WakeAll();
            }
        });
        var threads = new List<Task> { Task.Factory.StartNew(() => Read(stop), TaskCreationOptions.LongRunning) };
        for (var i = 1; i < _lanes.Count; i++)
        {
            var lane = i;
            threads.Add(Task.Factory.StartNew(() => Consume(lane, stop), TaskCreationOptions.LongRunning));
        }

        Consume(0, stop);
        try
        {
            Task.WaitAll([.. threads], CancellationToken.None);
        }
        catch (AggregateException)
        {
            // Only waits cut short by the stop: every other error was kept in a field where it happened.
        }

        if (_consumerError is { } consumerError)
        {
            ExceptionDispatchInfo.Capture(consumerError).Throw();
        }

        cancellation.ThrowIfCancellationRequested();
        if (_readError is { } readError)
        {
            ExceptionDispatchInfo.Capture(readError).Throw();
        }
    }

    private void Read(CancellationTokenSource stop)
    {
        var token = stop.Token;
        try
        {
            var events = _empty.Take(token);
            var count = 0;
            while (true)
            {
                ReadOnlySpan<TraceEvent> batch;
                try
                {
                    token.ThrowIfCancellationRequested();
                    batch = _reader.Next();
                    if (batch.IsEmpty)
                    {
                        _focus?.Finish(_info.SourceName);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    _readError = exception;
                    break;
                }

                if (batch.IsEmpty)
                {
                    break;
                }

                while (!batch.IsEmpty)
                {
                    var piece = batch[..Math.Min(batch.Length, events.Length - count)];
                    if (_focus is null)
                    {
                        piece.CopyTo(events.AsSpan(count));
                        count += piece.Length;
                    }
                    else
                    {
                        count += _focus.Filter(piece, events.AsSpan(count));
                    }

                    batch = batch[piece.Length..];
                    if (count == events.Length)
                    {
                        Send(new Batch(events, count, last: false, _lanes.Count), token);
                        events = _empty.Take(token);
                        count = 0;
                    }
                }
            }

            Send(new Batch(events, count, last: true, _lanes.Count), token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped by a lane's error or the caller's cancellation, which the caller reports.
        }
    }

    private void Send(Batch batch, CancellationToken token)
    {
        foreach (var queue in _filled)
        {
            queue.Add(batch, token);
        }
    }

    private void Consume(int lane, CancellationTokenSource stop)
    {
        var token = stop.Token;
        var consumers = _lanes[lane];
        try
        {
            while (true)
            {
                var batch = _filled[lane].Take(token);
                if (batch.Count > 0)
                {
                    var events = batch.Events.AsSpan(0, batch.Count);
                    foreach (var consumer in consumers)
                    {
                        consumer.OnEvents(events);
                    }
                }

                if (batch.Release())
                {
                    _empty.Add(batch.Events, CancellationToken.None);
                }

                if (batch.Last)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped: by the caller, or by another lane whose error the caller reports.
        }
        catch (Exception exception)
        {
            Interlocked.CompareExchange(ref _consumerError, exception, null);
            stop.Cancel();
        }
    }

    /// <summary>A hand-over of <see cref="Count"/> events; its array goes back to the pool when every lane has released it.</summary>
    private sealed class Batch(TraceEvent[] events, int count, bool last, int holders)
    {
        private int _holders = holders;

        public TraceEvent[] Events { get; } = events;

        public int Count { get; } = count;

        public bool Last { get; } = last;

        public bool Release() => Interlocked.Decrement(ref _holders) == 0;
    }
}
