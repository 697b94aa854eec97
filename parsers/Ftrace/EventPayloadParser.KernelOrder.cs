using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// Fast paths: payloads exactly as the kernel prints them (fields in printk order, nothing added), parsed in
/// one pass with no label lookups. Any difference returns false and the by-label parsers decide; so these
/// only make the common case cheap and never change a result.
/// </summary>
internal static partial class EventPayloadParser
{
    // One small method per shape: a single method for all kinds had a 1.3 KB stack frame to clear per call.
    private static bool TryParseInKernelOrder(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        switch (kind)
        {
            case EventKind.BinderUpdatePageRange:
                return PageRangeInKernelOrder(h, payload, out parsed);
            case >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd:
                return PageInKernelOrder(kind, h, payload, out parsed);
            case EventKind.BinderTransaction:
                return TransactionInKernelOrder(h, payload, out parsed);
            case >= EventKind.BinderTransactionAllocBuf and <= EventKind.BinderTransactionUpdateBufferRelease:
                return BufferInKernelOrder(kind, h, payload, out parsed);
            case EventKind.BinderCommand or EventKind.BinderReturn:
                return CommandInKernelOrder(kind, h, payload, strings, out parsed);
            case EventKind.BinderIoctl:
                return IoctlInKernelOrder(h, payload, out parsed);
            case EventKind.BinderTransactionReceived or EventKind.BinderIoctlDone or EventKind.BinderWriteDone or EventKind.BinderReadDone:
                return SingleNumberInKernelOrder(kind, h, payload, out parsed);
            case EventKind.BinderWaitForWork:
                return WaitForWorkInKernelOrder(h, payload, out parsed);
            case EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased:
                return MmapLockInKernelOrder(kind, h, payload, strings, out parsed);
            case EventKind.BinderTxnLatencyFree:
                return LatencyFreeInKernelOrder(h, payload, out parsed);
            case EventKind.SchedSwitch:
                return SchedSwitchInKernelOrder(h, payload, strings, out parsed);
            case EventKind.SchedWakeup:
                return SchedWakeupInKernelOrder(h, payload, strings, out parsed);
            default:
                parsed = default;
                return false;
        }
    }

    private static bool PageRangeInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("proc="u8, out var proc) && f.TakeNumber("allocate="u8, out var allocate)
            && f.TakeUnsigned("offset="u8, out var offset) && f.TakeUnsigned("size="u8, out var size) && f.AtEnd
            && IsInt(proc))
        {
            parsed = TraceEvent.ForPageRange(h, (int)proc, allocate != 0, offset, size);
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool PageInKernelOrder(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("proc="u8, out var proc) && f.TakeNumber("page_index="u8, out var pageIndex) && f.AtEnd && IsInt(proc))
        {
            parsed = TraceEvent.ForPage(h, kind, (int)proc, pageIndex);
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool TransactionInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("transaction="u8, out var debugId) && f.TakeNumber("dest_node="u8, out var node)
            && f.TakeNumber("dest_proc="u8, out var toProc) && f.TakeNumber("dest_thread="u8, out var toThread)
            && f.TakeNumber("reply="u8, out var reply) && f.TakeNumber("flags="u8, out var flags)
            && f.TakeNumber("code="u8, out var code) && f.AtEnd
            && IsInt(debugId) && IsInt(node) && IsInt(toProc) && IsInt(toThread) && IsInt(reply) && IsUInt(flags) && IsUInt(code))
        {
            parsed = TraceEvent.ForTransaction(h, new TransactionEvent(
                (int)debugId, (int)node, (int)toProc, (int)toThread, (int)reply, (uint)flags, (uint)code));
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool BufferInKernelOrder(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("transaction="u8, out var debugId) && f.TakeNumber("data_size="u8, out var dataSize)
            && f.TakeNumber("offsets_size="u8, out var offsetsSize) && f.TakeNumber("extra_buffers_size="u8, out var extra)
            && f.AtEnd && IsInt(debugId))
        {
            parsed = TraceEvent.ForBuffer(h, kind, new BufferEvent((int)debugId, dataSize, offsetsSize, extra));
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool CommandInKernelOrder(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("cmd="u8, out var cmd) && IsUInt(cmd) && f.TakeWord(""u8, out var commandName) && f.AtEnd && !commandName.IsEmpty)
        {
            parsed = TraceEvent.ForCommand(h, kind, (uint)cmd, strings.Intern(commandName));
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool IoctlInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("cmd="u8, out var cmd) && f.TakeNumber("arg="u8, out var arg) && f.AtEnd && IsUInt(cmd) && arg >= 0)
        {
            parsed = TraceEvent.ForIoctl(h, (uint)cmd, (ulong)arg);
            return true;
        }

        parsed = default;
        return false;
    }

    /// <summary><c>binder_transaction_received</c> ("transaction=%d") and the <c>*_done</c> events ("ret=%d").</summary>
    private static bool SingleNumberInKernelOrder(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        var received = kind == EventKind.BinderTransactionReceived;
        if (f.TakeNumber(received ? "transaction="u8 : "ret="u8, out var value) && f.AtEnd && IsInt(value))
        {
            parsed = received ? TraceEvent.ForTransactionReceived(h, (int)value) : TraceEvent.ForReturnValue(h, kind, (int)value);
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool WaitForWorkInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("proc_work="u8, out var procWork) && f.TakeNumber("transaction_stack="u8, out var stack)
            && f.TakeNumber("thread_todo="u8, out var todo) && f.AtEnd)
        {
            parsed = TraceEvent.ForWaitForWork(h, procWork != 0, stack != 0, todo != 0);
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool MmapLockInKernelOrder(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        var f = new PayloadFieldReader(payload);
        if (!f.TakeHex("mm="u8, out var mm))
        {
            return false;
        }

        string? memcgPath = null;
        long memcgId = 0;
        if (f.TakeWord("memcg_path="u8, out var path))
        {
            memcgPath = strings.Intern(path);
        }
        else if (!f.TakeNumber("memcg_id="u8, out memcgId) || memcgId < 0)
        {
            return false;
        }

        if (!f.TakeWord("write="u8, out var writeText) || !AsciiNumbers.TryParseBoolean(writeText, out var write))
        {
            return false;
        }

        var success = false;
        if (kind == EventKind.MmapLockAcquireReturned
            && (!f.TakeWord("success="u8, out var successText) || !AsciiNumbers.TryParseBoolean(successText, out success)))
        {
            return false;
        }

        if (!f.AtEnd)
        {
            return false;
        }

        parsed = TraceEvent.ForMmapLock(h, kind, mm, write, success, memcgPath, (ulong)memcgId);
        return true;
    }

    // The labels are swapped in the kernel: the number after "flags=" is the code (KERNEL.md §6).
    private static bool LatencyFreeInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeNumber("transaction="u8, out var debugId) && IsInt(debugId)
            && f.TakeWord(""u8, out var from) && from.SequenceEqual("from"u8)
            && f.TakeWord(""u8, out var sender) && TryParsePair(sender, out var fromProc, out var fromThread)
            && f.TakeWord(""u8, out var to) && to.SequenceEqual("to"u8)
            && f.TakeWord(""u8, out var target) && TryParsePair(target, out var toProc, out var toThread)
            && f.TakeNumber("flags="u8, out var code) && f.TakeNumber("code="u8, out var flags) && f.AtEnd
            && IsUInt(code) && IsUInt(flags))
        {
            parsed = TraceEvent.ForTxnLatencyFree(h, new TxnLatencyFreeEvent(
                (int)debugId, fromProc, fromThread, toProc, toThread, (uint)code, (uint)flags));
            return true;
        }

        parsed = default;
        return false;
    }

    // A comm with a space makes the next label miss, which hands the line to the by-label parser.
    private static bool SchedSwitchInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeWord("prev_comm="u8, out var prevComm) && f.TakeNumber("prev_pid="u8, out var prevPid)
            && f.TakeNumber("prev_prio="u8, out var prevPrio) && f.TakeWord("prev_state="u8, out var prevState)
            && f.TakeWord(""u8, out var arrow) && arrow.SequenceEqual("==>"u8)
            && f.TakeWord("next_comm="u8, out var nextComm) && f.TakeNumber("next_pid="u8, out var nextPid)
            && f.TakeNumber("next_prio="u8, out var nextPrio) && f.AtEnd
            && IsInt(prevPid) && IsInt(prevPrio) && IsInt(nextPid) && IsInt(nextPrio))
        {
            parsed = TraceEvent.ForSchedSwitch(h, new SchedSwitchEvent(
                strings.Intern(prevComm), (int)prevPid, (int)prevPrio, ParseTaskState(prevState),
                strings.Intern(nextComm), (int)nextPid, (int)nextPrio));
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool SchedWakeupInKernelOrder(in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        var f = new PayloadFieldReader(payload);
        if (f.TakeWord("comm="u8, out var comm) && f.TakeNumber("pid="u8, out var pid) && f.TakeNumber("prio="u8, out var prio)
            && f.TakeNumber("target_cpu="u8, out var targetCpu) && f.AtEnd && IsInt(pid) && IsInt(prio) && IsInt(targetCpu))
        {
            parsed = TraceEvent.ForSchedWakeup(h, new SchedWakeupEvent(strings.Intern(comm), (int)pid, (int)prio, (int)targetCpu));
            return true;
        }

        parsed = default;
        return false;
    }

    private static bool IsInt(long value) => value is >= int.MinValue and <= int.MaxValue;

    private static bool IsUInt(long value) => value is >= 0 and <= uint.MaxValue;
}
