using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Decodes one <c>FtraceEventBundle</c> (FORMATS.md §3.3–3.4) into typed events in timestamp order: its
/// regular events (typed protos, legacy <c>GenericFtraceEvent</c>, dense generic events), its
/// <c>compact_sched</c> arrays, and a lost-events marker when the kernel dropped data before it. The bundle
/// is read twice: dense descriptors come after the events that use them.
/// </summary>
internal sealed partial class FtraceBundleDecoder
{
    private readonly TaskNames _tasks;
    private readonly TraceDiagnostics _diagnostics;
    private readonly RecordErrors _errors;
    private readonly DenseEventDescriptors _descriptors = new();
    private readonly FtraceFieldValues _fields = new();
    private readonly Utf8InternTable _strings = new();
    private readonly CompactSchedDecoder _compact;
    private readonly List<Pending> _pending = [];

    public FtraceBundleDecoder(TaskNames tasks, TraceDiagnostics diagnostics, RecordErrors errors)
    {
        _tasks = tasks;
        _diagnostics = diagnostics;
        _errors = errors;
        _compact = new CompactSchedDecoder(_strings, errors);
    }

    /// <summary>The largest NR_CPUS any architecture's Kconfig allows (x86 MAXSMP).</summary>
    private const int MaxCpus = 8192;

    /// <summary>Appends the bundle's events to <paramref name="output"/> in timestamp order.</summary>
    public void Decode(ProtoReader bundle, List<TraceEvent> output)
    {
        var scan = bundle;
        var cpu = 0;
        var lostEvents = false;
        var previousBundleEnd = 0L;
        var compactSched = default(ProtoReader);
        var hasCompactSched = false;
        var decodableEnd = int.MaxValue;
        _descriptors.StartBundle();
        try
        {
            while (scan.TryReadTag(out var field, out var wireType))
            {
                switch (field)
                {
                    case 1 when wireType == WireType.Varint:
                        cpu = (int)Math.Min(scan.ReadVarint(), int.MaxValue);
                        break;
                    case 3 when wireType == WireType.Varint:
                        lostEvents = scan.ReadVarint() != 0;
                        break;
                    case 4 when wireType == WireType.LengthDelimited:
                        compactSched = scan.ReadMessage();
                        hasCompactSched = true;
                        break;
                    case 10 when wireType == WireType.Varint:
                        previousBundleEnd = (long)scan.ReadVarint();
                        break;
                    case 11 when wireType == WireType.LengthDelimited:
                        AddDescriptor(scan.ReadMessage());
                        break;
                    default:
                        scan.Skip(wireType);
                        break;
                }
            }
        }
        catch (ProtoWireException e)
        {
            // The events before the corrupt field can still be read; the rest of the bundle is lost.
            _errors.Report(e.Offset, "ftrace bundle: " + e.Problem);
            decodableEnd = (int)(e.Offset - bundle.BaseOffset);
        }

        if (cpu >= MaxCpus)
        {
            // Per-CPU state is indexed by CPU: a corrupt number must not size it (465,255,321 took 11 GB).
            _errors.Report(bundle.BaseOffset, $"ftrace bundle: cpu {cpu} is past the kernel's limit of {MaxCpus} CPUs (NR_CPUS)");
            return;
        }

        _pending.Clear();
        DecodeEvents(bundle, cpu, decodableEnd);
        if (hasCompactSched)
        {
            _compact.Decode(compactSched, _pending);
        }

        if (!IsSorted(_pending))
        {
            _pending.Sort();
        }
        var start = output.Count;
        EmitInOrder(cpu, output);
        if (lostEvents)
        {
            _diagnostics.AddLostEvents(cpu, -1);
            var at = output.Count > start ? output[start].Timestamp : previousBundleEnd;
            output.Insert(start, TraceEvent.ForLostEvents(new EventHeader(at, cpu, -1, -1, ""), -1));
        }
    }

    // A bundle without compact_sched is nearly always in order already: one pass saves the sort.
    private static bool IsSorted(List<Pending> pending)
    {
        for (var i = 1; i < pending.Count; i++)
        {
            if (pending[i].CompareTo(pending[i - 1]) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private void AddDescriptor(ProtoReader descriptor)
    {
        try
        {
            _descriptors.Add(descriptor);
        }
        catch (ProtoWireException e)
        {
            // The descriptor's own framing held: the bundle goes on; events that needed it are counted when read.
            _errors.Report(e.Offset, "generic event descriptor: " + e.Problem);
        }
    }

    private void DecodeEvents(ProtoReader bundle, int cpu, int decodableEnd)
    {
        var sequence = 0;
        while (bundle.Position < decodableEnd)
        {
            ProtoReader ftraceEvent;
            try
            {
                if (!bundle.TryReadTag(out var field, out var wireType))
                {
                    return;
                }

                if (field != 2 || wireType != WireType.LengthDelimited)
                {
                    bundle.Skip(wireType);
                    continue;
                }

                ftraceEvent = bundle.ReadMessage();
            }
            catch (ProtoWireException)
            {
                // The first pass stopped at the same place and reported it.
                return;
            }

            try
            {
                if (TryDecodeEvent(ftraceEvent, cpu, out var traceEvent))
                {
                    _pending.Add(Pending.Regular(traceEvent, sequence++));
                }
            }
            catch (ProtoWireException e)
            {
                _errors.Report(e.Offset, "ftrace event: " + e.Problem);
            }
        }
    }

    /// <summary>
    /// Walks the merged events, tracking per CPU the running task (from each sched_switch's next task, or
    /// failing that the last event's tid), which is what compact_sched leaves out: the switch's prev task and
    /// the waker.
    /// </summary>
    private void EmitInOrder(int cpu, List<TraceEvent> output)
    {
        ref var running = ref _compact.RunningOn(cpu);
        foreach (var pending in _pending)
        {
            if (pending.CompactIndex < 0)
            {
                var traceEvent = pending.Event;
                if (traceEvent.Kind == EventKind.SchedSwitch)
                {
                    var s = traceEvent.SchedSwitch;
                    running = new RunningTask(s.NextPid, s.NextComm, s.NextPrio, FromSwitch: true);
                }
                else if (!running.FromSwitch || running.Pid < 0)
                {
                    running = new RunningTask(traceEvent.Pid, traceEvent.Comm, -1, FromSwitch: false);
                }

                output.Add(traceEvent);
                continue;
            }

            output.Add(_compact.Materialize(pending, cpu, ref running, _tasks));
        }
    }
}

/// <summary>The task running on a CPU as far as the events so far tell; <see cref="Pid"/> is -1 when unknown.</summary>
internal readonly record struct RunningTask(int Pid, string Comm, int Prio, bool FromSwitch)
{
    public static RunningTask None => new(-1, TaskNames.Unknown, -1, false);
}

/// <summary>
/// One event of a bundle waiting to be put in timestamp order: a decoded regular event, or the index of a
/// compact_sched entry that can only be completed in order (its prev task comes from the events before it).
/// Compact entries sort before regular events of the same timestamp: a switch's prev task is then the one
/// the previous switch put on the CPU, not a task the switch itself brought in.
/// </summary>
internal readonly record struct Pending(long Timestamp, int Order, int CompactIndex, TraceEvent Event) : IComparable<Pending>
{
    private const int RegularBase = 1 << 30;

    public static Pending Regular(in TraceEvent e, int sequence) => new(e.Timestamp, RegularBase + sequence, -1, e);

    public static Pending Compact(long timestamp, int index, int order) => new(timestamp, order, index, default);

    public int CompareTo(Pending other)
    {
        var byTime = Timestamp.CompareTo(other.Timestamp);
        return byTime != 0 ? byTime : Order.CompareTo(other.Order);
    }
}
