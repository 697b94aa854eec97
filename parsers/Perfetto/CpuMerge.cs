using BinderTrace.Events;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Merges the per-CPU event streams of a Perfetto trace into one in timestamp order. traced_probes writes each
/// CPU's events in order, bundle after bundle, but the bundles of different CPUs overlap in time, so each CPU
/// gets a FIFO and the earliest head goes out once every CPU seen so far has something queued (a k-way merge,
/// O(CPUs) per event instead of a heap over single events). The CPUs are known from system_info; without it,
/// and whenever a CPU went quiet (which would stall the merge), past
/// <c>window</c> held events the earliest head goes out regardless: memory stays bounded. An event older than
/// one already handed out is emitted anyway and counted in <see cref="TraceDiagnostics.LateEvents"/>.
/// </summary>
internal sealed class CpuMerge(int window, TraceDiagnostics diagnostics)
{
    private readonly List<CpuQueue> _queues = [];
    private readonly Dictionary<int, CpuQueue> _byCpu = [];
    private CpuQueue? _lastAdded;
    private bool _cpusKnown;
    private int _held;
    private long _maxArrived = long.MinValue;
    private long _lastEmitted = long.MinValue;

    public int Held => _held;

    /// <summary>
    /// Makes the merge wait for CPUs 0..<paramref name="cpus"/>-1 from the start: without it the first bundle's
    /// events would go out before the other CPUs' first bundles, which cover the same time, had arrived.
    /// </summary>
    public void ExpectCpus(int cpus)
    {
        _cpusKnown = true;
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            if (!_byCpu.ContainsKey(cpu))
            {
                var queue = new CpuQueue(cpu);
                _byCpu.Add(cpu, queue);
                _queues.Add(queue);
            }
        }
    }

    public void Add(in TraceEvent traceEvent)
    {
        var queue = _lastAdded;
        if (queue is null || queue.Cpu != traceEvent.Cpu)
        {
            if (!_byCpu.TryGetValue(traceEvent.Cpu, out queue))
            {
                queue = new CpuQueue(traceEvent.Cpu);
                _byCpu.Add(traceEvent.Cpu, queue);
                _queues.Add(queue);
            }

            _lastAdded = queue;
        }

        if (traceEvent.Timestamp < _maxArrived)
        {
            diagnostics.ReorderedEvents++;
        }
        else
        {
            _maxArrived = traceEvent.Timestamp;
        }

        queue.Enqueue(traceEvent);
        _held++;
    }

    /// <summary>The next event in order; false when nothing is held or, unless <paramref name="inputEnded"/>, more input is needed first.</summary>
    public bool TryTake(bool inputEnded, out TraceEvent traceEvent)
    {
        traceEvent = default;
        if (_held == 0)
        {
            return false;
        }

        // Without the CPU count another CPU's first bundle may still come: only the window lets events go.
        CpuQueue? earliest = null;
        var waiting = !_cpusKnown;
        foreach (var queue in _queues)
        {
            if (queue.Count == 0)
            {
                waiting = true;
            }
            else if (earliest is null || queue.HeadTimestamp < earliest.HeadTimestamp)
            {
                earliest = queue;
            }
        }

        if (waiting && !inputEnded && _held <= window)
        {
            return false;
        }

        earliest!.Dequeue(out traceEvent);
        _held--;
        if (traceEvent.Timestamp < _lastEmitted)
        {
            diagnostics.LateEvents++;
        }
        else
        {
            _lastEmitted = traceEvent.Timestamp;
        }

        return true;
    }

    /// <summary>A growable ring of one CPU's events.</summary>
    private sealed class CpuQueue(int cpu)
    {
        private TraceEvent[] _items = new TraceEvent[256];
        private int _head;

        public int Cpu { get; } = cpu;

        public int Count { get; private set; }

        public long HeadTimestamp => _items[_head].Timestamp;

        public void Enqueue(in TraceEvent traceEvent)
        {
            if (Count == _items.Length)
            {
                var grown = new TraceEvent[_items.Length * 2];
                for (var i = 0; i < Count; i++)
                {
                    grown[i] = _items[(_head + i) & (_items.Length - 1)];
                }

                _items = grown;
                _head = 0;
            }

            _items[(_head + Count) & (_items.Length - 1)] = traceEvent;
            Count++;
        }

        public void Dequeue(out TraceEvent traceEvent)
        {
            traceEvent = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) & (_items.Length - 1);
            Count--;
        }
    }
}
