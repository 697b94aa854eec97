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
public sealed class TimestampReorderer : ITraceEventSource
{
    private readonly ITraceEventSource _inner;
    private readonly int _window;
    private Held[] _ring = new Held[16];
    private int _ringHead;
    private int _ringCount;
    private Held[] _heap = new Held[16];
    private int _heapCount;
    private long _arrivals;
    private long _lastEmittedKey = long.MinValue;
    private long _maxArrived = long.MinValue;
    private bool _innerDone;

    public TimestampReorderer(ITraceEventSource inner, int window)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        _inner = inner;
        _window = window;
    }

    public TraceSourceInfo Info => _inner.Info;

    public TraceDiagnostics Diagnostics => _inner.Diagnostics;

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (!_innerDone && _ringCount + _heapCount <= _window)
        {
            ReadOne();
        }

        if (_ringCount + _heapCount == 0)
        {
            traceEvent = default;
            return false;
        }

        if (_heapCount == 0 || (_ringCount > 0 && Precedes(_ring[_ringHead], _heap[0])))
        {
            ref var head = ref _ring[_ringHead];
            _lastEmittedKey = head.Key;
            traceEvent = head.Event;
            _ringHead = (_ringHead + 1) & (_ring.Length - 1);
            _ringCount--;
        }
        else
        {
            var top = Pop();
            _lastEmittedKey = top.Key;
            traceEvent = top.Event;
        }

        return true;
    }

    public void Dispose() => _inner.Dispose();

    /// <summary>
    /// Reads the next event straight into the ring's free slot (events are large structs, and in-order
    /// arrivals are the norm); an out-of-order one is then moved to the heap.
    /// </summary>
    private void ReadOne()
    {
        if (_ringCount == _ring.Length)
        {
            GrowRing();
        }

        var mask = _ring.Length - 1;
        ref var slot = ref _ring[(_ringHead + _ringCount) & mask];
        if (!_inner.TryRead(out slot.Event))
        {
            _innerDone = true;
            slot = default;
            return;
        }

        var timestamp = slot.Event.Timestamp;
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

        slot.Key = key;
        slot.Arrival = _arrivals++;
        if (_ringCount == 0 || key >= _ring[(_ringHead + _ringCount - 1) & mask].Key)
        {
            _ringCount++;
        }
        else
        {
            Push(slot);
            slot = default;
        }
    }

    private void GrowRing()
    {
        var grown = new Held[_ring.Length * 2];
        for (var i = 0; i < _ringCount; i++)
        {
            grown[i] = _ring[(_ringHead + i) & (_ring.Length - 1)];
        }

        _ring = grown;
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

    private static bool Precedes(in Held a, in Held b) => a.Key < b.Key || (a.Key == b.Key && a.Arrival < b.Arrival);

    /// <summary>A held event with its sort key (the timestamp, raised for late events) and arrival number (for stability).</summary>
    private struct Held
    {
        public long Key;
        public long Arrival;
        public TraceEvent Event;
    }
}
