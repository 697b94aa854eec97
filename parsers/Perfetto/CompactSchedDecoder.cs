using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// <c>FtraceEventBundle.compact_sched</c> (FORMATS.md §3.3): sched_switch and sched_waking as parallel
/// arrays, timestamps delta-encoded, comms as indexes into the bundle's intern table. The arrays of one
/// kind must have equal lengths; when they do not, that kind's entries in the bundle are counted as one
/// error and dropped, as Perfetto's own tokenizer does. Not stored, and so reconstructed in timestamp
/// order: a switch's prev task (the task the previous switch on that CPU put there) and the waker.
/// </summary>
internal sealed class CompactSchedDecoder(Utf8InternTable strings, RecordErrors errors)
{
    private const int SwitchTimestamp = 1;
    private const int SwitchPrevState = 2;
    private const int SwitchNextPid = 3;
    private const int SwitchNextPrio = 4;
    private const int InternTable = 5;
    private const int SwitchNextCommIndex = 6;
    private const int WakingTimestamp = 7;
    private const int WakingPid = 8;
    private const int WakingTargetCpu = 9;
    private const int WakingPrio = 10;
    private const int WakingCommIndex = 11;
    private const int ArrayCount = 13;

    /// <summary>Switch entries are numbered from 0, waking entries from here.</summary>
    private const int WakingIndexBase = 1 << 29;

    private readonly List<long>[] _arrays = Enumerable.Range(0, ArrayCount).Select(_ => new List<long>()).ToArray();
    private readonly List<string> _internTable = [];
    private readonly List<Switch> _switches = [];
    private readonly List<Waking> _wakings = [];
    private RunningTask[] _running = [];

    /// <summary>The task running on <paramref name="cpu"/>, carried from bundle to bundle.</summary>
    public ref RunningTask RunningOn(int cpu)
    {
        if (cpu >= _running.Length)
        {
            var grown = new RunningTask[Math.Max(cpu + 1, _running.Length * 2)];
            grown.AsSpan().Fill(RunningTask.None);
            _running.CopyTo(grown, 0);
            _running = grown;
        }

        return ref _running[cpu];
    }

    /// <summary>Reads the arrays and adds one pending entry per event.</summary>
    public void Decode(ProtoReader compact, List<Pending> pending)
    {
        foreach (var array in _arrays)
        {
            array.Clear();
        }

        _internTable.Clear();
        _switches.Clear();
        _wakings.Clear();
        var start = compact.Offset;
        try
        {
            ReadArrays(compact);
        }
        catch (ProtoWireException e)
        {
            errors.Report(e.Offset, "compact_sched: " + e.Problem);
            return;
        }

        BuildSwitches(start, pending);
        BuildWakings(start, pending);
    }

    /// <summary>The typed event for a pending compact entry, given (and updating) the task running on its CPU.</summary>
    public TraceEvent Materialize(in Pending entry, int cpu, ref RunningTask running, TaskNames tasks)
    {
        if (entry.CompactIndex < WakingIndexBase)
        {
            var s = _switches[entry.CompactIndex];
            var prev = running;
            var header = new EventHeader(s.Timestamp, cpu, prev.Pid, tasks.TgidOf(prev.Pid), prev.Pid < 0 ? TaskNames.Unknown : tasks.CommOf(prev.Pid));
            var prevComm = PrevComm(prev, cpu, tasks);
            var traceEvent = TraceEvent.ForSchedSwitch(header, new SchedSwitchEvent(
                prevComm, prev.Pid, prev.Prio, NamedFieldEvents.TaskStateOf(s.PrevState), s.NextComm, s.NextPid, s.NextPrio));
            tasks.SetComm(s.NextPid, s.NextComm);
            running = new RunningTask(s.NextPid, s.NextComm, s.NextPrio, FromSwitch: true);
            return traceEvent;
        }

        var w = _wakings[entry.CompactIndex - WakingIndexBase];
        tasks.SetComm(w.Pid, w.Comm);
        var waker = new EventHeader(w.Timestamp, cpu, running.Pid, tasks.TgidOf(running.Pid), running.Pid < 0 ? TaskNames.Unknown : tasks.CommOf(running.Pid));
        return TraceEvent.ForGeneric(waker, "sched_waking", $"comm={w.Comm} pid={w.Pid} prio={w.Prio} target_cpu={w.TargetCpu}");
    }

    /// <summary>
    /// The prev task's comm now: the name table follows renames (an exec between two switches changes it),
    /// the previous switch's next_comm names it otherwise; the idle task is "swapper/N" as the kernel names it.
    /// </summary>
    private static string PrevComm(in RunningTask prev, int cpu, TaskNames tasks)
    {
        if (prev.Pid == 0)
        {
            return prev.FromSwitch ? prev.Comm : "swapper/" + cpu;
        }

        var known = tasks.CommOf(prev.Pid);
        return known == TaskNames.Unknown ? prev.Comm : known;
    }

    private void ReadArrays(ProtoReader compact)
    {
        while (compact.TryReadTag(out var field, out var wireType))
        {
            if (field == InternTable && wireType == WireType.LengthDelimited)
            {
                _internTable.Add(strings.Intern(compact.ReadBytes()));
                continue;
            }

            if (field >= ArrayCount || field == InternTable)
            {
                compact.Skip(wireType);
                continue;
            }

            var values = _arrays[field];
            if (wireType != WireType.LengthDelimited)
            {
                values.Add(compact.ReadInteger(wireType));
                continue;
            }

            var packed = compact.ReadMessage();
            while (!packed.AtEnd)
            {
                values.Add((long)packed.ReadVarint());
            }
        }
    }

    private void BuildSwitches(long offset, List<Pending> pending)
    {
        var count = _arrays[SwitchTimestamp].Count;
        if (!SameLength(offset, "sched_switch", SwitchTimestamp, SwitchPrevState, SwitchNextPid, SwitchNextPrio, SwitchNextCommIndex)
            || !CommIndexesValid(offset, "sched_switch", SwitchNextCommIndex))
        {
            return;
        }

        var timestamp = 0L;
        for (var i = 0; i < count; i++)
        {
            timestamp += _arrays[SwitchTimestamp][i];
            _switches.Add(new Switch(timestamp, _arrays[SwitchPrevState][i], (int)_arrays[SwitchNextPid][i],
                (int)_arrays[SwitchNextPrio][i], _internTable[(int)_arrays[SwitchNextCommIndex][i]]));
            pending.Add(Pending.Compact(timestamp, i, i));
        }
    }

    private void BuildWakings(long offset, List<Pending> pending)
    {
        var count = _arrays[WakingTimestamp].Count;
        if (!SameLength(offset, "sched_waking", WakingTimestamp, WakingPid, WakingTargetCpu, WakingPrio, WakingCommIndex)
            || !CommIndexesValid(offset, "sched_waking", WakingCommIndex))
        {
            return;
        }

        // common_flags (field 12) is optional, older writers leave it out, and no typed event holds it.
        var timestamp = 0L;
        for (var i = 0; i < count; i++)
        {
            timestamp += _arrays[WakingTimestamp][i];
            _wakings.Add(new Waking(timestamp, (int)_arrays[WakingPid][i], (int)_arrays[WakingTargetCpu][i],
                (int)_arrays[WakingPrio][i], _internTable[(int)_arrays[WakingCommIndex][i]]));
            pending.Add(Pending.Compact(timestamp, WakingIndexBase + i, WakingIndexBase + i));
        }
    }

    private bool SameLength(long offset, string kind, params ReadOnlySpan<int> fields)
    {
        var expected = _arrays[fields[0]].Count;
        foreach (var field in fields)
        {
            if (_arrays[field].Count != expected)
            {
                var lengths = string.Join(", ", fields.ToArray().Select(f => $"field {f}: {_arrays[f].Count}"));
                errors.Report(offset, $"compact_sched {kind} arrays differ in length ({lengths}); the bundle's {kind} events are dropped");
                return false;
            }
        }

        return true;
    }

    private bool CommIndexesValid(long offset, string kind, int field)
    {
        foreach (var index in _arrays[field])
        {
            if (index < 0 || index >= _internTable.Count)
            {
                errors.Report(offset, $"compact_sched {kind} comm index {index} outside the intern table of {_internTable.Count}; the bundle's {kind} events are dropped");
                return false;
            }
        }

        return true;
    }

    private readonly record struct Switch(long Timestamp, long PrevState, int NextPid, int NextPrio, string NextComm);

    private readonly record struct Waking(long Timestamp, int Pid, int TargetCpu, int Prio, string Comm);
}
