using BinderTrace.Events;

namespace BinderTrace.Parsers;

/// <summary>
/// Puts any event source into timestamp order (stable: equal timestamps keep arrival order) while holding
/// back at most <c>window</c> events, so memory stays bounded whatever the input. An event that arrives
/// out of order is moved into place and counted in <see cref="TraceDiagnostics.ReorderedEvents"/>; one older
/// than an event already handed out cannot be placed any more: it is emitted as soon as possible, in arrival
/// order, and counted in <see cref="TraceDiagnostics.LateEvents"/>. The output is sorted whenever no event
/// arrives more than <c>window</c> positions after its place in sorted order.
/// </summary>
/// <remarks>
/// Held events sit in a sorted FIFO ring (in-order arrivals, the common case, cost O(1)) and a binary heap
/// (out-of-order arrivals); the next event out is the smaller of the ring's head and the heap's top.
/// </remarks>
public sealed class TimestampReorderer : ITraceEventBatchSource, IEventSegmentSource
{
    private const int BatchSize = 4096;

    private readonly ITraceEventSource _inner;
    private readonly IEventSegmentSource? _segments;
    private readonly int _window;
    // The ring keeps its events apart from their keys so that runs go in with one bulk copy (no per-event write
    // barriers) and come out as segments of the ring itself, without a copy.
    private TraceEvent[] _ringEvents = new TraceEvent[16];
    private RingKey[] _ringKeys = new RingKey[16];
    private int _ringHead;
    private int _ringCount;
    private Held[] _heap = new Held[16];
    private int _heapCount;
    private long _arrivals;
    private long _lastEmittedKey = long.MinValue;
    private long _maxArrived = long.MinValue;
    private bool _innerDone;
    private ArraySegment<TraceEvent> _in;
    private int _inNext;
    private TraceEvent[]? _staging;
    private readonly TraceEvent[] _out = new TraceEvent[BatchSize];
    private TraceEvent[] _current = [];
    private int _currentNext;
    private int _currentEnd;

    public TimestampReorderer(ITraceEventSource inner, int window)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        _inner = inner;
        _segments = inner as IEventSegmentSource;
        _window = window;
    }

    public TraceSourceInfo Info => _inner.Info;

    public TraceDiagnostics Diagnostics => _inner.Diagnostics;

    public bool TryRead(out TraceEvent traceEvent)
    {
        if (_currentNext == _currentEnd && !NextForTryRead())
        {
            traceEvent = default;
            return false;
        }

        traceEvent = _current[_currentNext++];
        return true;
    }

    public ReadOnlySpan<TraceEvent> ReadBatch() => ReadSegment();

    public bool ParsesAhead => _segments?.ParsesAhead == true;

    public void CancelPendingRead() => _segments?.CancelPendingRead();

    public void Dispose() => _inner.Dispose();

    private bool NextForTryRead()
    {
        var segment = ReadSegment();
        _current = segment.Array ?? [];
        _currentNext = segment.Offset;
        _currentEnd = segment.Offset + segment.Count;
        return segment.Count > 0;
    }

    /// <summary>
    /// The next events in order. Events that arrive in order while none is held out of order (the norm) are handed
    /// on in place from the inner source's segment once <c>window</c> later ones have arrived; the rest go through
    /// the ring and heap one at a time. Either way the sequence is the one an event-at-a-time merge gives.
    /// </summary>
    ArraySegment<TraceEvent> IEventSegmentSource.ReadSegment() => ReadSegment();

    private ArraySegment<TraceEvent> ReadSegment()
    {
        while (true)
        {
            if (_inNext == _in.Count && !_innerDone)
            {
                _in = ReadInner();
                _inNext = 0;
                _innerDone = _in.Count == 0;
            }

            if (_innerDone)
            {
                return Drain();
            }

            var run = _heapCount == 0 ? InOrderRun() : 0;
            if (run == 0)
            {
                var slow = ReadOutOfOrder();
                if (slow.Count > 0)
                {
                    return slow;
                }

                continue;
            }

            var leaving = _ringCount + run - _window;
            if (leaving <= 0)
            {
                HoldRun(run);
                continue;
            }

            if (_ringCount > 0)
            {
                return EmitFromRing(Math.Min(_ringCount, leaving));
            }

            var inPlace = new ArraySegment<TraceEvent>(_in.Array!, _in.Offset + _inNext, leaving);
            var last = inPlace[^1].Timestamp;
            _maxArrived = last;
            _lastEmittedKey = last;
            _arrivals += leaving;
            _inNext += leaving;
            return inPlace;
        }
    }

    private ArraySegment<TraceEvent> ReadInner()
    {
        if (_segments is not null)
        {
            return _segments.ReadSegment();
        }

        _staging ??= new TraceEvent[BatchSize];
        var count = 0;
        while (count < _staging.Length && _inner.TryRead(out _staging[count]))
        {
            count++;
        }

        return new ArraySegment<TraceEvent>(_staging, 0, count);
    }

    /// <summary>How many of the next input events arrive in order (none earlier than any event seen so far).</summary>
    private int InOrderRun()
    {
        var events = _in.AsSpan(_inNext);
        var max = _maxArrived;
        var i = 0;
        while (i < events.Length && events[i].Timestamp >= max)
        {
            max = events[i].Timestamp;
            i++;
        }

        return i;
    }

    private void HoldRun(int run)
    {
        while (_ringCount + run > _ringEvents.Length)
        {
            GrowRing();
        }

        var events = _in.AsSpan(_inNext, run);
        var mask = _ringEvents.Length - 1;
        var tail = (_ringHead + _ringCount) & mask;
        var first = Math.Min(run, _ringEvents.Length - tail);
        events[..first].CopyTo(_ringEvents.AsSpan(tail));
        events[first..].CopyTo(_ringEvents);
        for (var i = 0; i < run; i++)
        {
            ref var key = ref _ringKeys[(tail + i) & mask];
            key.Key = events[i].Timestamp;
            key.Arrival = _arrivals++;
        }

        _ringCount += run;
        _maxArrived = events[^1].Timestamp;
        _inNext += run;
    }

    /// <summary>Up to <paramref name="count"/> events from the ring's head, handed on in place (as far as the ring's end).</summary>
    private ArraySegment<TraceEvent> EmitFromRing(int count)
    {
        var head = _ringHead;
        count = Math.Min(count, _ringEvents.Length - head);
        _lastEmittedKey = _ringKeys[head + count - 1].Key;
        _ringHead = (head + count) & (_ringEvents.Length - 1);
        _ringCount -= count;
        return new ArraySegment<TraceEvent>(_ringEvents, head, count);
    }

    /// <summary>Takes input events one at a time while some are held out of order, emitting one per arrival once <c>window</c> are held.</summary>
    private ArraySegment<TraceEvent> ReadOutOfOrder()
    {
        var count = 0;
        while (count < _out.Length && _inNext < _in.Count)
        {
            Arrive(_in[_inNext++]);
            if (_ringCount + _heapCount > _window)
            {
                EmitOne(out _out[count++]);
            }

            if (_heapCount == 0)
            {
                break;
            }
        }

        return new ArraySegment<TraceEvent>(_out, 0, count);
    }

    private ArraySegment<TraceEvent> Drain()
    {
        var count = 0;
        while (count < _out.Length && _ringCount + _heapCount > 0)
        {
            EmitOne(out _out[count++]);
        }

        return new ArraySegment<TraceEvent>(_out, 0, count);
    }

    private void EmitOne(out TraceEvent traceEvent)
    {
        if (_heapCount == 0 || (_ringCount > 0 && Precedes(_ringKeys[_ringHead], _heap[0].Order)))
        {
            _lastEmittedKey = _ringKeys[_ringHead].Key;
            traceEvent = _ringEvents[_ringHead];
            _ringHead = (_ringHead + 1) & (_ringEvents.Length - 1);
            _ringCount--;
        }
        else
        {
            var top = Pop();
            _lastEmittedKey = top.Order.Key;
            traceEvent = top.Event;
        }
    }

    /// <summary>Places one arriving event: in the ring when it is not earlier than the ring's last, else in the heap.</summary>
    private void Arrive(in TraceEvent traceEvent)
    {
        var timestamp = traceEvent.Timestamp;
        var key = timestamp;
        if (timestamp < _lastEmittedKey)
        {
            Diagnostics.LateEvents++;
            key = _lastEmittedKey;
        }
        else if (timestamp < _maxArrived)
        {
            Diagnostics.ReorderedEvents++;
        }
        else
        {
            _maxArrived = timestamp;
        }

        var order = new RingKey { Key = key, Arrival = _arrivals++ };
        if (_ringCount > 0 && key < _ringKeys[(_ringHead + _ringCount - 1) & (_ringEvents.Length - 1)].Key)
        {
            Push(new Held { Order = order, Event = traceEvent });
            return;
        }

        if (_ringCount == _ringEvents.Length)
        {
            GrowRing();
        }

        var tail = (_ringHead + _ringCount) & (_ringEvents.Length - 1);
        _ringEvents[tail] = traceEvent;
        _ringKeys[tail] = order;
        _ringCount++;
    }

    private void GrowRing()
    {
        var events = new TraceEvent[_ringEvents.Length * 2];
        var keys = new RingKey[events.Length];
        var first = Math.Min(_ringCount, _ringEvents.Length - _ringHead);
        _ringEvents.AsSpan(_ringHead, first).CopyTo(events);
        _ringEvents.AsSpan(0, _ringCount - first).CopyTo(events.AsSpan(first));
        _ringKeys.AsSpan(_ringHead, first).CopyTo(keys);
        _ringKeys.AsSpan(0, _ringCount - first).CopyTo(keys.AsSpan(first));
        _ringEvents = events;
        _ringKeys = keys;
        _ringHead = 0;
    }

    private void Push(in Held held)
    {
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var i = _heapCount++;
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Precedes(held, _heap[parent]))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = held;
    }

    private Held Pop()
    {
        var top = _heap[0];
        var last = _heap[--_heapCount];
        _heap[_heapCount] = default;
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= _heapCount)
            {
                break;
            }

            if (child + 1 < _heapCount && Precedes(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Precedes(_heap[child], last))
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        if (_heapCount > 0)
        {
            _heap[i] = last;
        }

        return top;
    }

    private static bool Precedes(in Held a, in Held b) => Precedes(a.Order, b.Order);

    private static bool Precedes(in RingKey a, in RingKey b) => a.Key < b.Key || (a.Key == b.Key && a.Arrival < b.Arrival);

    /// <summary>An event's sort key (the timestamp, raised for late events) and arrival number (for stability).</summary>
    private struct RingKey
    {
        public long Key;
        public long Arrival;
    }

    /// <summary>An event held in the heap with its order.</summary>
    private struct Held
    {
        public RingKey Order;
        public TraceEvent Event;
    }
}
