using System.Runtime.InteropServices;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Stats;

/// <summary>
/// What a trace contains, counted in one pass: events per name, time span, CPUs, threads and processes,
/// plus the reader's data-quality counters. Memory grows with the number of distinct names, CPUs and
/// tasks, never with the number of events.
/// </summary>
public sealed class TraceStatistics : ITraceEventConsumer
{
    private readonly long[] _countByKind = new long[Enum.GetValues<EventKind>().Length];
    private readonly Dictionary<string, long> _genericCounts = new(StringComparer.Ordinal);
    private readonly HashSet<int> _cpus = [];
    private readonly HashSet<int> _threads = [];
    private readonly HashSet<int> _processes = [];
    private readonly HashSet<int> _binderProcs = [];

    // Consecutive events mostly come from the same task and CPU: remembering the last ones skips most set
    // lookups, which otherwise cost as much as a fifth of the whole pass.
    private int _lastPid = int.MinValue;
    private int _lastTgid = int.MinValue;
    private int _lastBinderProc = int.MinValue;
    private ulong _cpusBelow64;

    /// <summary>The trace's description; set when the pass ends.</summary>
    public TraceSourceInfo Info { get; private set; } = new() { SourceName = "" };

    /// <summary>The reader's data-quality counters; complete when the pass ends.</summary>
    public TraceDiagnostics Diagnostics { get; private set; } = new();

    public long Events { get; private set; }

    /// <summary>Timestamp of the first event, or null for a trace without events.</summary>
    public long? FirstTimestamp { get; private set; }

    public long? LastTimestamp { get; private set; }

    public IReadOnlyCollection<int> Cpus
    {
        get
        {
            var cpus = new SortedSet<int>(_cpus);
            for (var cpu = 0; cpu < 64; cpu++)
            {
                if ((_cpusBelow64 & (1UL << cpu)) != 0)
                {
                    cpus.Add(cpu);
                }
            }

            return cpus;
        }
    }

    /// <summary>Distinct task ids that fired an event (pid 0, the idle task, included).</summary>
    public int Threads => _threads.Count;

    /// <summary>Distinct thread-group ids, or null when the trace has no TGID column.</summary>
    public int? Processes => _processes.Count == 0 ? null : _processes.Count;

    /// <summary>Distinct binder processes named by binder events (<c>proc=</c>, <c>dest_proc=</c>).</summary>
    public int BinderProcesses => _binderProcs.Count;

    /// <summary>Counts per event name as printed in the trace, in ordinal name order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> EventCounts
    {
        get
        {
            // A typed event whose payload was malformed arrives as a generic event of the same name: one count per name.
            var byName = new Dictionary<string, long>(_genericCounts, StringComparer.Ordinal);
            for (var kind = 0; kind < _countByKind.Length; kind++)
            {
                if (_countByKind[kind] > 0)
                {
                    var name = EventNames.Of((EventKind)kind);
                    byName[name] = byName.GetValueOrDefault(name) + _countByKind[kind];
                }
            }

            var counts = byName.ToList();
            counts.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return counts;
        }
    }

    /// <summary>Reads <paramref name="source"/> to its end.</summary>
    public static TraceStatistics Collect(ITraceEventSource source)
    {
        var stats = new TraceStatistics();
        while (source.TryRead(out var traceEvent))
        {
            stats.Add(in traceEvent);
        }

        stats.OnEnd(source.Info, source.Diagnostics);
        return stats;
    }

    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        foreach (ref readonly var traceEvent in batch)
        {
            Add(in traceEvent);
        }
    }

    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
        Info = info;
        Diagnostics = diagnostics;
    }

    private void Add(in TraceEvent traceEvent)
    {
        if ((uint)traceEvent.Cpu < 64)
        {
            _cpusBelow64 |= 1UL << traceEvent.Cpu;
        }
        else
        {
            _cpus.Add(traceEvent.Cpu);
        }

        if (traceEvent.Kind == EventKind.LostEvents)
        {
            return;
        }

        Events++;
        FirstTimestamp ??= traceEvent.Timestamp;
        LastTimestamp = traceEvent.Timestamp;
        if (traceEvent.Pid != _lastPid)
        {
            _threads.Add(traceEvent.Pid);
            _lastPid = traceEvent.Pid;
        }

        if (traceEvent.Tgid >= 0 && traceEvent.Tgid != _lastTgid)
        {
            _processes.Add(traceEvent.Tgid);
            _lastTgid = traceEvent.Tgid;
        }

        switch (traceEvent.Kind)
        {
            case EventKind.Generic:
            case EventKind.TracingMark:
                // Marker events keep the name they were printed with ("tracing_mark_write", "print" or "0").
                CountGeneric(traceEvent.Name);
                return;
            case EventKind.BinderUpdatePageRange:
                AddBinderProc(traceEvent.PageRange.Proc);
                break;
            case >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd:
                AddBinderProc(traceEvent.Page.Proc);
                break;
            case EventKind.BinderTransaction:
                AddBinderProc(traceEvent.Transaction.ToProc);
                break;
        }

        _countByKind[(int)traceEvent.Kind]++;
    }

    private void AddBinderProc(int proc)
    {
        if (proc != _lastBinderProc)
        {
            _binderProcs.Add(proc);
            _lastBinderProc = proc;
        }
    }

    private void CountGeneric(string name)
    {
        ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_genericCounts, name, out _);
        count++;
    }
}
