using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// libtraceevent's plugin renderings, what a plain <c>trace-cmd report</c> prints (FORMATS.md §1.6, "Plugins"):
/// <c>prev_comm:prev_pid [prev_prio] STATE ==&gt; next_comm:next_pid [next_prio]</c> for sched_switch and
/// <c>comm:pid [prio] [success=N] CPU:NNN</c> for sched_wakeup. A comm may hold ':' and spaces, so every
/// split is taken from the right; trace-cmd pads the event name column, so leading spaces are not part of a comm.
/// </summary>
internal static partial class EventPayloadParser
{
    private static bool TryParseSchedSwitchPlugin(in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        payload = payload.TrimStart((byte)' ');
        var arrow = payload.LastIndexOf(" ==> "u8);
        if (arrow < 0)
        {
            return false;
        }

        var prev = payload[..arrow];
        var stateStart = prev.LastIndexOf((byte)' ');
        if (stateStart < 0 || stateStart == prev.Length - 1
            || !TryParseCommPidPrio(prev[..stateStart], out var prevComm, out var prevPid, out var prevPrio)
            || !TryParseCommPidPrio(payload[(arrow + 5)..], out var nextComm, out var nextPid, out var nextPrio))
        {
            return false;
        }

        parsed = TraceEvent.ForSchedSwitch(h, new SchedSwitchEvent(
            strings.Intern(prevComm), prevPid, prevPrio, ParseTaskState(prev[(stateStart + 1)..]), strings.Intern(nextComm), nextPid, nextPrio));
        return true;
    }

    private static bool TryParseSchedWakeupPlugin(in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        payload = payload.TrimStart((byte)' ');
        var cpuAt = payload.LastIndexOf(" CPU:"u8);
        if (cpuAt < 0 || !AsciiNumbers.TryParseInt32(payload[(cpuAt + 5)..], out var targetCpu) || targetCpu < 0)
        {
            return false;
        }

        var task = payload[..cpuAt];
        var successAt = task.LastIndexOf(" success="u8);
        if (successAt >= 0 && task.LastIndexOf((byte)']') < successAt)
        {
            if (!AsciiNumbers.TryParseInt32(task[(successAt + 9)..], out _))
            {
                return false;
            }

            task = task[..successAt];
        }

        if (!TryParseCommPidPrio(task, out var comm, out var pid, out var prio))
        {
            return false;
        }

        parsed = TraceEvent.ForSchedWakeup(h, new SchedWakeupEvent(strings.Intern(comm), pid, prio, targetCpu));
        return true;
    }

    /// <summary><c>comm:pid [prio]</c>, the whole of <paramref name="text"/>.</summary>
    private static bool TryParseCommPidPrio(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> comm, out int pid, out int prio)
    {
        comm = default;
        pid = prio = 0;
        var open = text.LastIndexOf(" ["u8);
        if (open < 0 || text.IsEmpty || text[^1] != (byte)']' || !AsciiNumbers.TryParseInt32(text[(open + 2)..^1], out prio))
        {
            return false;
        }

        var task = text[..open];
        var colon = task.LastIndexOf((byte)':');
        if (colon <= 0 || !AsciiNumbers.TryParseInt32(task[(colon + 1)..], out pid))
        {
            return false;
        }

        comm = task[..colon];
        return true;
    }
}
