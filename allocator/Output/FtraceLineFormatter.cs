using System.Buffers;
using System.Text;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Output;

/// <summary>
/// Formats events as lines of the kernel's <c>trace</c> file: <c>%16s-%-7d [%03d] flags %5lu.%06lu: name: payload</c>
/// with each event's TP_printk format (KERNEL.md §6, §7). Writes UTF-8 straight into an <see cref="IBufferWriter{T}"/>;
/// nothing is allocated per line.
/// </summary>
public static class FtraceLineFormatter
{
    /// <summary>
    /// The header block of a real capture (tracer nop, all five latency columns), then, when <paramref name="producer"/>
    /// is given, one more comment line saying what produced the trace (FtraceTextSource reads its <c>kernel=</c>
    /// back as the trace's kernel label; other readers skip '#' lines).
    /// </summary>
    public static void WriteHeader(IBufferWriter<byte> output, long entries, int cpus, string? producer = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header =
            "# tracer: nop\n" +
            "#\n" +
            $"# entries-in-buffer/entries-written: {entries}/{entries}   #P:{cpus}\n" +
            "#\n" +
            "#                                _-----=> irqs-off/BH-disabled\n" +
            "#                               / _----=> need-resched\n" +
            "#                              | / _---=> hardirq/softirq\n" +
            "#                              || / _--=> preempt-depth\n" +
            "#                              ||| / _-=> migrate-disable\n" +
            "#                              |||| /     delay\n" +
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n" +
            "#              | |         |   |||||     |         |\n" +
            (producer is null ? "" : $"# {producer}\n");
        Encoding.ASCII.GetBytes(header, output);
    }

    /// <summary>One event line. <paramref name="preemptDepth"/> is printed in the fourth flags column (0 prints '.').</summary>
    public static void WriteLine(IBufferWriter<byte> output, in TraceEvent e, int preemptDepth)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(512);
        var w = new LineBuilder(span);
        w.PadLeft(e.Comm, 16);
        w.Char('-');
        w.IntPadRight(e.Pid, 7);
        w.Bytes(" ["u8);
        w.UIntZeroPad((ulong)e.Cpu, 3);
        w.Bytes("] ..."u8);
        w.Char(preemptDepth <= 0 ? (byte)'.' : (byte)('0' + Math.Min(preemptDepth, 9)));
        w.Bytes(". "u8);
        var micros = e.Timestamp / 1000;
        w.UIntPadLeft((ulong)(micros / 1_000_000), 5);
        w.Char('.');
        w.UIntZeroPad((ulong)(micros % 1_000_000), 6);
        w.Bytes(": "u8);
        w.Ascii(e.Name);
        w.Bytes(": "u8);
        WritePayload(ref w, e);
        w.Char('\n');
        output.Advance(w.Length);
    }

    private static void WritePayload(ref LineBuilder w, in TraceEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.BinderUpdatePageRange:
                var r = e.PageRange;
                w.Bytes("proc="u8).Int(r.Proc).Bytes(" allocate="u8).Int(r.Allocate ? 1 : 0)
                    .Bytes(" offset="u8).UInt(r.Offset).Bytes(" size="u8).UInt(r.Size);
                break;
            case >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd:
                w.Bytes("proc="u8).Int(e.Page.Proc).Bytes(" page_index="u8).UInt((ulong)e.Page.PageIndex);
                break;
            case EventKind.BinderTransaction:
                var t = e.Transaction;
                w.Bytes("transaction="u8).Int(t.DebugId).Bytes(" dest_node="u8).Int(t.TargetNode).Bytes(" dest_proc="u8).Int(t.ToProc)
                    .Bytes(" dest_thread="u8).Int(t.ToThread).Bytes(" reply="u8).Int(t.Reply)
                    .Bytes(" flags=0x"u8).Hex(t.Flags).Bytes(" code=0x"u8).Hex(t.Code);
                break;
            case EventKind.BinderTransactionReceived:
                w.Bytes("transaction="u8).Int(e.TransactionId);
                break;
            case EventKind.BinderTransactionAllocBuf or EventKind.BinderTransactionBufferRelease
                or EventKind.BinderTransactionFailedBufferRelease or EventKind.BinderTransactionUpdateBufferRelease:
                var b = e.Buffer;
                w.Bytes("transaction="u8).Int(b.DebugId).Bytes(" data_size="u8).Int(b.DataSize)
                    .Bytes(" offsets_size="u8).Int(b.OffsetsSize).Bytes(" extra_buffers_size="u8).Int(b.ExtraBuffersSize);
                break;
            case EventKind.BinderTxnLatencyFree:
                // The kernel passes (code, flags) to a format labelled "flags=… code=…" (KERNEL.md §6).
                var l = e.TxnLatencyFree;
                w.Bytes("transaction="u8).Int(l.DebugId).Bytes(" from "u8).Int(l.FromProc).Char(':').Int(l.FromThread)
                    .Bytes(" to "u8).Int(l.ToProc).Char(':').Int(l.ToThread)
                    .Bytes(" flags=0x"u8).Hex(l.Code).Bytes(" code=0x"u8).Hex(l.Flags);
                break;
            case EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased:
                var m = e.MmapLock;
                w.Bytes("mm="u8).HexZeroPad(m.Mm, 16);
                if (m.MemcgPath is not null)
                {
                    w.Bytes(" memcg_path="u8).Ascii(m.MemcgPath);
                }
                else
                {
                    w.Bytes(" memcg_id="u8).UInt(m.MemcgId);
                }

                w.Bytes(m.Write ? " write=true"u8 : " write=false"u8);
                if (e.Kind == EventKind.MmapLockAcquireReturned)
                {
                    w.Bytes(m.Success ? " success=true"u8 : " success=false"u8);
                }

                break;
            default:
                w.Ascii(e.Text ?? "");
                break;
        }
    }
}
