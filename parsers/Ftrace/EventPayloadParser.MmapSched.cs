using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>The mmap_lock and scheduler payloads: the ones whose values include strings (cgroup paths, comms).</summary>
internal static partial class EventPayloadParser
{
    private static bool TryParseMmapLock(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        var seen = 0;
        ulong mm = 0, memcgId = 0;
        bool write = false, success = false;
        string? memcgPath = null;
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            var label = fields.Label;
            if (label.SequenceEqual("mm"u8))
            {
                var value = fields.Value;
                var ok = value.StartsWith("0x"u8) ? AsciiNumbers.TryParseUInt64(value, out mm) : AsciiNumbers.TryParseHex(value, out mm);
                seen |= ok ? Bit0 : Bit6;
            }
            else if (label.SequenceEqual("memcg_path"u8))
            {
                fields.ExtendValueToNextField();
                memcgPath = strings.Intern(fields.Value);
                seen |= Bit1;
            }
            else if (label.SequenceEqual("memcg_id"u8))
            {
                seen |= AsciiNumbers.TryParseUInt64(fields.Value, out memcgId) ? Bit1 : Bit6;
            }
            else if (label.SequenceEqual("write"u8))
            {
                seen |= AsciiNumbers.TryParseBoolean(fields.Value, out write) ? Bit2 : Bit6;
            }
            else if (label.SequenceEqual("success"u8))
            {
                seen |= AsciiNumbers.TryParseBoolean(fields.Value, out success) ? Bit3 : Bit6;
            }
        }

        var required = kind == EventKind.MmapLockAcquireReturned ? Bit0 | Bit1 | Bit2 | Bit3 : Bit0 | Bit1 | Bit2;
        if ((seen & (required | Bit6)) != required)
        {
            return false;
        }

        parsed = TraceEvent.ForMmapLock(h, kind, mm, write, success, memcgPath, memcgId);
        return true;
    }

    private static bool TryParseSchedSwitch(in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        int prevPid = 0, prevPrio = 0, nextPid = 0, nextPrio = 0, seen = 0;
        var prevState = TaskState.Running;
        string prevComm = "", nextComm = "";
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            var label = fields.Label;
            if (label.SequenceEqual("prev_comm"u8))
            {
                fields.ExtendValueToNextField();
                prevComm = strings.Intern(fields.Value);
                seen |= Bit0;
            }
            else if (label.SequenceEqual("prev_pid"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out prevPid) ? Bit1 : Bit6 << 1;
            }
            else if (label.SequenceEqual("prev_prio"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out prevPrio) ? Bit2 : Bit6 << 1;
            }
            else if (label.SequenceEqual("prev_state"u8))
            {
                prevState = ParseTaskState(fields.Value);
                seen |= Bit3;
            }
            else if (label.SequenceEqual("next_comm"u8))
            {
                fields.ExtendValueToNextField();
                nextComm = strings.Intern(fields.Value);
                seen |= Bit4;
            }
            else if (label.SequenceEqual("next_pid"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out nextPid) ? Bit5 : Bit6 << 1;
            }
            else if (label.SequenceEqual("next_prio"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out nextPrio) ? Bit6 : Bit6 << 1;
            }
        }

        if (seen != (Bit0 | Bit1 | Bit2 | Bit3 | Bit4 | Bit5 | Bit6))
        {
            return false;
        }

        parsed = TraceEvent.ForSchedSwitch(h, new SchedSwitchEvent(prevComm, prevPid, prevPrio, prevState, nextComm, nextPid, nextPrio));
        return true;
    }

    private static bool TryParseSchedWakeup(in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        int pid = 0, prio = 0, targetCpu = 0, seen = 0;
        var comm = "";
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            var label = fields.Label;
            if (label.SequenceEqual("comm"u8))
            {
                fields.ExtendValueToNextField();
                comm = strings.Intern(fields.Value);
                seen |= Bit0;
            }
            else if (label.SequenceEqual("pid"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out pid) ? Bit1 : Bit6;
            }
            else if (label.SequenceEqual("prio"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out prio) ? Bit2 : Bit6;
            }
            else if (label.SequenceEqual("target_cpu"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(fields.Value, out targetCpu) ? Bit3 : Bit6;
            }
        }

        if (seen != (Bit0 | Bit1 | Bit2 | Bit3))
        {
            return false;
        }

        parsed = TraceEvent.ForSchedWakeup(h, new SchedWakeupEvent(comm, pid, prio, targetCpu));
        return true;
    }

    private static TaskState ParseTaskState(ReadOnlySpan<byte> text)
    {
        Span<char> chars = stackalloc char[Math.Min(text.Length, 32)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        return TaskStateText.Parse(chars);
    }
}
