using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// Builds typed events from tracepoint payloads (KERNEL.md §6–7, printk formats), reading fields by label
/// so that order changes and extra fields do not matter. Returns false when a required field is missing or
/// does not parse; the caller then keeps the line as a generic event and counts it.
/// </summary>
internal static partial class EventPayloadParser
{
    private const int Bit0 = 1, Bit1 = 2, Bit2 = 4, Bit3 = 8, Bit4 = 16, Bit5 = 32, Bit6 = 64;

    /// <summary>The printk format each typed kind must match, quoted in error messages.</summary>
    public static string ExpectedFormat(EventKind kind) => kind switch
    {
        EventKind.BinderUpdatePageRange => "proc=%d allocate=%d offset=%zu size=%zu",
        >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => "proc=%d page_index=%zu",
        EventKind.BinderTransaction => "transaction=%d dest_node=%d dest_proc=%d dest_thread=%d reply=%d flags=0x%x code=0x%x",
        EventKind.BinderTransactionReceived => "transaction=%d",
        >= EventKind.BinderTransactionAllocBuf and <= EventKind.BinderTransactionUpdateBufferRelease =>
            "transaction=%d data_size=%zd offsets_size=%zd extra_buffers_size=%zd (older kernels: without extra_buffers_size)",
        EventKind.BinderTxnLatencyFree => "transaction=%d from %d:%d to %d:%d flags=0x%x code=0x%x",
        EventKind.BinderCommand or EventKind.BinderReturn => "cmd=0x%x %s",
        EventKind.BinderIoctl => "cmd=0x%x arg=0x%lx",
        EventKind.BinderIoctlDone or EventKind.BinderWriteDone or EventKind.BinderReadDone => "ret=%d",
        EventKind.BinderWaitForWork => "proc_work=%d transaction_stack=%d thread_todo=%d",
        EventKind.MmapLockAcquireReturned => "mm=%p memcg_path=%s|memcg_id=%llu write=%s success=%s",
        EventKind.MmapLockStartLocking or EventKind.MmapLockReleased => "mm=%p memcg_path=%s|memcg_id=%llu write=%s",
        EventKind.SchedSwitch => "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> next_comm=%s next_pid=%d next_prio=%d (or trace-cmd's comm:pid [prio] STATE ==> comm:pid [prio])",
        EventKind.SchedWakeup => "comm=%s pid=%d prio=%d target_cpu=%03d (or trace-cmd's comm:pid [prio] CPU:%03d)",
        _ => "any payload",
    };

    public static bool TryParse(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed) =>
        TryParseInKernelOrder(kind, h, payload, strings, out parsed) || TryParseByLabel(kind, h, payload, strings, out parsed);

    private static bool TryParseByLabel(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        return kind switch
        {
            EventKind.BinderUpdatePageRange => TryParsePageRange(h, payload, out parsed),
            >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => TryParsePage(kind, h, payload, out parsed),
            EventKind.BinderTransaction => TryParseTransaction(h, payload, out parsed),
            EventKind.BinderTransactionReceived => TryParseReceived(h, payload, out parsed),
            >= EventKind.BinderTransactionAllocBuf and <= EventKind.BinderTransactionUpdateBufferRelease => TryParseBuffer(kind, h, payload, out parsed),
            EventKind.BinderTxnLatencyFree => TryParseLatencyFree(h, payload, out parsed),
            EventKind.BinderCommand or EventKind.BinderReturn => TryParseCommand(kind, h, payload, strings, out parsed),
            EventKind.BinderIoctl => TryParseIoctl(h, payload, out parsed),
            EventKind.BinderIoctlDone or EventKind.BinderWriteDone or EventKind.BinderReadDone => TryParseReturnValue(kind, h, payload, out parsed),
            EventKind.BinderWaitForWork => TryParseWaitForWork(h, payload, out parsed),
            EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased =>
                TryParseMmapLock(kind, h, payload, strings, out parsed),
            EventKind.SchedSwitch => TryParseSchedSwitch(h, payload, strings, out parsed) || TryParseSchedSwitchPlugin(h, payload, strings, out parsed),
            EventKind.SchedWakeup => TryParseSchedWakeup(h, payload, strings, out parsed) || TryParseSchedWakeupPlugin(h, payload, strings, out parsed),
            _ => false,
        };
    }

    private static bool TryParsePage(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        Span<long> v = stackalloc long[PageFields.Length];
        if (!TryReadNumbers(payload, PageFields, v))
        {
            parsed = default;
            return false;
        }

        parsed = TraceEvent.ForPage(h, kind, (int)v[0], v[1]);
        return true;
    }

    private static bool TryParsePageRange(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        Span<long> v = stackalloc long[PageRangeFields.Length];
        if (!TryReadNumbers(payload, PageRangeFields, v))
        {
            parsed = default;
            return false;
        }

        parsed = TraceEvent.ForPageRange(h, (int)v[0], v[1] != 0, (ulong)v[2], (ulong)v[3]);
        return true;
    }

    private static bool TryParseTransaction(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        Span<long> v = stackalloc long[TransactionFields.Length];
        if (!TryReadNumbers(payload, TransactionFields, v))
        {
            parsed = default;
            return false;
        }

        parsed = TraceEvent.ForTransaction(h, new TransactionEvent((int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (uint)v[5], (uint)v[6]));
        return true;
    }

    private static bool TryParseReceived(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        parsed = default;
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            if (fields.Label.SequenceEqual("transaction"u8))
            {
                if (!AsciiNumbers.TryParseInt32(fields.Value, out var debugId))
                {
                    return false;
                }

                parsed = TraceEvent.ForTransactionReceived(h, debugId);
                return true;
            }
        }

        return false;
    }

    private static bool TryParseBuffer(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        Span<long> v = stackalloc long[BufferFields.Length];
        // Kernels before extra_buffers_size existed print the first three fields only (KERNEL.md §6): none extra.
        var olderForm = payload.IndexOf("extra_buffers_size="u8) < 0;
        if (!TryReadNumbers(payload, olderForm ? BufferFields.AsSpan(0, 3) : BufferFields, v))
        {
            parsed = default;
            return false;
        }

        if (olderForm)
        {
            v[3] = 0;
        }

        parsed = TraceEvent.ForBuffer(h, kind, new BufferEvent((int)v[0], v[1], v[2], v[3]));
        return true;
    }

    // "transaction=%d from %d:%d to %d:%d flags=0x%x code=0x%x" is printed with the arguments (code, flags):
    // the number after "flags=" is the code and the one after "code=" the flags (KERNEL.md §6).
    private static bool TryParseLatencyFree(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        parsed = default;
        int debugId = 0, fromProc = 0, fromThread = 0, toProc = 0, toThread = 0, seen = 0;
        uint code = 0, flags = 0;
        var expectPair = 0;
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            var label = fields.Label;
            var value = fields.Value;
            if (expectPair != 0)
            {
                var ok = expectPair == Bit1
                    ? TryParsePair(value, out fromProc, out fromThread)
                    : TryParsePair(value, out toProc, out toThread);
                seen |= ok ? expectPair : Bit6 << 1;
                expectPair = 0;
            }
            else if (label.IsEmpty && value.SequenceEqual("from"u8))
            {
                expectPair = Bit1;
            }
            else if (label.IsEmpty && value.SequenceEqual("to"u8))
            {
                expectPair = Bit2;
            }
            else if (label.SequenceEqual("transaction"u8))
            {
                seen |= AsciiNumbers.TryParseInt32(value, out debugId) ? Bit0 : Bit6 << 1;
            }
            else if (label.SequenceEqual("flags"u8))
            {
                seen |= AsciiNumbers.TryParseUInt32(value, out code) ? Bit3 : Bit6 << 1;
            }
            else if (label.SequenceEqual("code"u8))
            {
                seen |= AsciiNumbers.TryParseUInt32(value, out flags) ? Bit4 : Bit6 << 1;
            }
        }

        if (seen != (Bit0 | Bit1 | Bit2 | Bit3 | Bit4))
        {
            return false;
        }

        parsed = TraceEvent.ForTxnLatencyFree(h, new TxnLatencyFreeEvent(debugId, fromProc, fromThread, toProc, toThread, code, flags));
        return true;
    }

    private static bool TryParsePair(ReadOnlySpan<byte> text, out int first, out int second)
    {
        second = 0;
        var colon = text.IndexOf((byte)':');
        first = 0;
        return colon > 0
            && AsciiNumbers.TryParseInt32(text[..colon], out first)
            && AsciiNumbers.TryParseInt32(text[(colon + 1)..], out second);
    }

    private static bool TryParseCommand(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, Utf8InternTable strings, out TraceEvent parsed)
    {
        parsed = default;
        uint cmd = 0;
        var hasCmd = false;
        var commandName = "";
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            if (fields.Label.SequenceEqual("cmd"u8))
            {
                if (!AsciiNumbers.TryParseUInt32(fields.Value, out cmd))
                {
                    return false;
                }

                hasCmd = true;
            }
            else if (fields.Label.IsEmpty && commandName.Length == 0)
            {
                commandName = strings.Intern(fields.Value);
            }
        }

        if (!hasCmd)
        {
            return false;
        }

        parsed = TraceEvent.ForCommand(h, kind, cmd, commandName);
        return true;
    }

    private static bool TryParseIoctl(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        Span<long> v = stackalloc long[IoctlFields.Length];
        if (!TryReadNumbers(payload, IoctlFields, v))
        {
            parsed = default;
            return false;
        }

        parsed = TraceEvent.ForIoctl(h, (uint)v[0], (ulong)v[1]);
        return true;
    }

    private static bool TryParseReturnValue(EventKind kind, in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        parsed = default;
        var fields = new PayloadFieldReader(payload);
        while (fields.MoveNext())
        {
            if (fields.Label.SequenceEqual("ret"u8))
            {
                if (!AsciiNumbers.TryParseInt32(fields.Value, out var ret))
                {
                    return false;
                }

                parsed = TraceEvent.ForReturnValue(h, kind, ret);
                return true;
            }
        }

        return false;
    }

    private static bool TryParseWaitForWork(in EventHeader h, ReadOnlySpan<byte> payload, out TraceEvent parsed)
    {
        Span<long> v = stackalloc long[WaitForWorkFields.Length];
        if (!TryReadNumbers(payload, WaitForWorkFields, v))
        {
            parsed = default;
            return false;
        }

        parsed = TraceEvent.ForWaitForWork(h, v[0] != 0, v[1] != 0, v[2] != 0);
        return true;
    }
}
