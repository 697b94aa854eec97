namespace BinderTrace.Events;

/// <summary>
/// One binary record's field values, looked up by the kernel's field name (the names in the tracepoint's
/// <c>format</c> file, e.g. <c>debug_id</c>, <c>page_index</c>, <c>memcg_path</c>). Readers of binary traces
/// (trace.dat, Perfetto) implement it over their own decoded record so that one mapping types them all.
/// </summary>
public interface INamedFieldValues
{
    /// <summary>An integer, pointer, bool (0/1) or enum field, sign- or zero-extended as the format says.</summary>
    bool TryGetInteger(string fieldName, out long value);

    /// <summary>A string field (<c>char[N]</c>, <c>__data_loc char[]</c>), without its terminating NULs.</summary>
    bool TryGetString(string fieldName, out string? value);
}

/// <summary>
/// Builds the typed <see cref="TraceEvent"/> of a binary record from its field values by kernel field name, so
/// that a tracepoint gives the same typed event whether it came from text or from a binary format. The text
/// reader reads the printk output (whose labels differ: <c>transaction=</c> prints <c>debug_id</c>); binary
/// readers read the fields themselves, with the names in ../shared/traces/*/formats.
/// </summary>
public static class NamedFieldEvents
{
    /// <summary>
    /// False for a name with no typed kind (<see cref="EventNames.KindOf(string)"/> gives Generic) and for a typed
    /// event that lacks a required field: the caller keeps the latter as a generic event and counts it as a
    /// malformed payload, as the text reader does.
    /// </summary>
    public static bool TryCreate(in EventHeader header, string eventName, INamedFieldValues fields, out TraceEvent traceEvent)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var kind = EventNames.KindOf(eventName);
        traceEvent = default;
        return kind switch
        {
            EventKind.BinderUpdatePageRange => TryPageRange(header, fields, out traceEvent),
            >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => TryPage(header, kind, fields, out traceEvent),
            EventKind.BinderTransaction => TryTransaction(header, fields, out traceEvent),
            EventKind.BinderTransactionReceived => TryReceived(header, fields, out traceEvent),
            >= EventKind.BinderTransactionAllocBuf and <= EventKind.BinderTransactionUpdateBufferRelease => TryBuffer(header, kind, fields, out traceEvent),
            EventKind.BinderTxnLatencyFree => TryLatencyFree(header, fields, out traceEvent),
            EventKind.BinderCommand or EventKind.BinderReturn => TryCommand(header, kind, fields, out traceEvent),
            EventKind.BinderIoctl => TryIoctl(header, fields, out traceEvent),
            EventKind.BinderIoctlDone or EventKind.BinderWriteDone or EventKind.BinderReadDone => TryReturnValue(header, kind, fields, out traceEvent),
            EventKind.BinderWaitForWork => TryWaitForWork(header, fields, out traceEvent),
            EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased => TryMmapLock(header, kind, fields, out traceEvent),
            EventKind.SchedSwitch => TrySchedSwitch(header, fields, out traceEvent),
            EventKind.SchedWakeup => TrySchedWakeup(header, fields, out traceEvent),
            EventKind.TracingMark => TryTracingMark(header, fields, out traceEvent),
            _ => false,
        };
    }

    private static bool TryPage(in EventHeader h, EventKind kind, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("proc", out var proc) || !f.TryGetInteger("page_index", out var pageIndex))
        {
            return false;
        }

        e = TraceEvent.ForPage(h, kind, (int)proc, pageIndex);
        return true;
    }

    private static bool TryPageRange(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("proc", out var proc) || !f.TryGetInteger("allocate", out var allocate)
            || !f.TryGetInteger("offset", out var offset) || !f.TryGetInteger("size", out var size))
        {
            return false;
        }

        e = TraceEvent.ForPageRange(h, (int)proc, allocate != 0, (ulong)offset, (ulong)size);
        return true;
    }

    private static bool TryTransaction(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("debug_id", out var debugId) || !f.TryGetInteger("target_node", out var targetNode)
            || !f.TryGetInteger("to_proc", out var toProc) || !f.TryGetInteger("to_thread", out var toThread)
            || !f.TryGetInteger("reply", out var reply) || !f.TryGetInteger("flags", out var flags)
            || !f.TryGetInteger("code", out var code))
        {
            return false;
        }

        e = TraceEvent.ForTransaction(h, new TransactionEvent((int)debugId, (int)targetNode, (int)toProc, (int)toThread, (int)reply, (uint)flags, (uint)code));
        return true;
    }

    private static bool TryReceived(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("debug_id", out var debugId))
        {
            return false;
        }

        e = TraceEvent.ForTransactionReceived(h, (int)debugId);
        return true;
    }

    // extra_buffers_size is absent on kernels older than 4.11 (KERNEL.md §6): it reads as 0 there, as in text.
    private static bool TryBuffer(in EventHeader h, EventKind kind, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("debug_id", out var debugId) || !f.TryGetInteger("data_size", out var dataSize)
            || !f.TryGetInteger("offsets_size", out var offsetsSize))
        {
            return false;
        }

        var extra = f.TryGetInteger("extra_buffers_size", out var extraSize) ? extraSize : 0;
        e = TraceEvent.ForBuffer(h, kind, new BufferEvent((int)debugId, dataSize, offsetsSize, extra));
        return true;
    }

    private static bool TryLatencyFree(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("debug_id", out var debugId) || !f.TryGetInteger("from_proc", out var fromProc)
            || !f.TryGetInteger("from_thread", out var fromThread) || !f.TryGetInteger("to_proc", out var toProc)
            || !f.TryGetInteger("to_thread", out var toThread) || !f.TryGetInteger("code", out var code)
            || !f.TryGetInteger("flags", out var flags))
        {
            return false;
        }

        e = TraceEvent.ForTxnLatencyFree(h, new TxnLatencyFreeEvent((int)debugId, (int)fromProc, (int)fromThread, (int)toProc, (int)toThread, (uint)code, (uint)flags));
        return true;
    }

    private static bool TryCommand(in EventHeader h, EventKind kind, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("cmd", out var cmd))
        {
            return false;
        }

        var name = kind == EventKind.BinderCommand ? BinderProtocolNames.Command((uint)cmd) : BinderProtocolNames.Return((uint)cmd);
        e = TraceEvent.ForCommand(h, kind, (uint)cmd, name);
        return true;
    }

    private static bool TryIoctl(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("cmd", out var cmd) || !f.TryGetInteger("arg", out var arg))
        {
            return false;
        }

        e = TraceEvent.ForIoctl(h, (uint)cmd, (ulong)arg);
        return true;
    }

    private static bool TryReturnValue(in EventHeader h, EventKind kind, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("ret", out var ret))
        {
            return false;
        }

        e = TraceEvent.ForReturnValue(h, kind, (int)ret);
        return true;
    }

    private static bool TryWaitForWork(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("proc_work", out var procWork) || !f.TryGetInteger("transaction_stack", out var stack)
            || !f.TryGetInteger("thread_todo", out var todo))
        {
            return false;
        }

        e = TraceEvent.ForWaitForWork(h, procWork != 0, stack != 0, todo != 0);
        return true;
    }

    // Up to 6.13 the events carry memcg_path (a __data_loc string), from 6.14 memcg_id: one of the two is required.
    private static bool TryMmapLock(in EventHeader h, EventKind kind, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetInteger("mm", out var mm) || !f.TryGetInteger("write", out var write))
        {
            return false;
        }

        long success = 0;
        if (kind == EventKind.MmapLockAcquireReturned && !f.TryGetInteger("success", out success))
        {
            return false;
        }

        string? memcgPath = null;
        long memcgId = 0;
        if (!f.TryGetString("memcg_path", out memcgPath) && !f.TryGetInteger("memcg_id", out memcgId))
        {
            return false;
        }

        e = TraceEvent.ForMmapLock(h, kind, (ulong)mm, write != 0, success != 0, memcgPath, (ulong)memcgId);
        return true;
    }

    private static bool TrySchedSwitch(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetString("prev_comm", out var prevComm) || !f.TryGetInteger("prev_pid", out var prevPid)
            || !f.TryGetInteger("prev_prio", out var prevPrio) || !f.TryGetInteger("prev_state", out var prevState)
            || !f.TryGetString("next_comm", out var nextComm) || !f.TryGetInteger("next_pid", out var nextPid)
            || !f.TryGetInteger("next_prio", out var nextPrio))
        {
            return false;
        }

        e = TraceEvent.ForSchedSwitch(h, new SchedSwitchEvent(
            prevComm ?? "", (int)prevPid, (int)prevPrio, TaskStateOf(prevState), nextComm ?? "", (int)nextPid, (int)nextPrio));
        return true;
    }

    private static bool TrySchedWakeup(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetString("comm", out var comm) || !f.TryGetInteger("pid", out var pid)
            || !f.TryGetInteger("prio", out var prio) || !f.TryGetInteger("target_cpu", out var targetCpu))
        {
            return false;
        }

        e = TraceEvent.ForSchedWakeup(h, new SchedWakeupEvent(comm ?? "", (int)pid, (int)prio, (int)targetCpu));
        return true;
    }

    // trace_marker appends a newline when the writer gave none; the text reader sees the line without it.
    private static bool TryTracingMark(in EventHeader h, INamedFieldValues f, out TraceEvent e)
    {
        e = default;
        if (!f.TryGetString("buf", out var buf))
        {
            return false;
        }

        e = TraceEvent.ForTracingMark(h, EventNames.Of(EventKind.TracingMark), (buf ?? "").TrimEnd('\n'));
        return true;
    }

    /// <summary>
    /// sched_switch's raw prev_state as the kernel prints it (its format file's print fmt): bits 0x01–0x80 are
    /// S D T t X Z P I, and TASK_REPORT_MAX (0x100) is the preempted '+'.
    /// </summary>
    public static TaskState TaskStateOf(long prevState)
    {
        ReadOnlySpan<TaskState> letters =
        [
            TaskState.Sleeping, TaskState.DiskSleep, TaskState.Stopped, TaskState.Traced,
            TaskState.Dead, TaskState.Zombie, TaskState.Parked, TaskState.Idle,
        ];
        var state = TaskState.Running;
        for (var bit = 0; bit < letters.Length; bit++)
        {
            if ((prevState & (1L << bit)) != 0)
            {
                state |= letters[bit];
            }
        }

        return (prevState & 0x100) != 0 ? state | TaskState.Preempted : state;
    }
}
