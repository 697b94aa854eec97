using BinderTrace.Events;

namespace BinderTrace.Export.Tables;

/// <summary>
/// The <c>events</c> table: one row per trace event. The common header columns are always set; each typed
/// column is set only for the event kinds that carry that field (its <c>presentIn</c> kinds) and is null
/// elsewhere, so a column's null count is the number of events without that field. Rows are classed by
/// <see cref="EventKind"/>, so a getter only ever sees events of its kinds. Meanings are in the README (Parquet export).
/// </summary>
internal static class EventsTable
{
    public const string Name = "events";

    private static readonly int[] PageKinds = Kinds(
        EventKind.BinderAllocLruStart, EventKind.BinderAllocLruEnd, EventKind.BinderFreeLruStart, EventKind.BinderFreeLruEnd,
        EventKind.BinderAllocPageStart, EventKind.BinderAllocPageEnd, EventKind.BinderUnmapUserStart, EventKind.BinderUnmapUserEnd,
        EventKind.BinderUnmapKernelStart, EventKind.BinderUnmapKernelEnd);

    private static readonly int[] PageRange = Kinds(EventKind.BinderUpdatePageRange);
    private static readonly int[] Transaction = Kinds(EventKind.BinderTransaction);
    private static readonly int[] LatencyFree = Kinds(EventKind.BinderTxnLatencyFree);
    private static readonly int[] TransactionOrLatencyFree = Kinds(EventKind.BinderTransaction, EventKind.BinderTxnLatencyFree);

    private static readonly int[] BufferKinds = Kinds(
        EventKind.BinderTransactionAllocBuf, EventKind.BinderTransactionBufferRelease,
        EventKind.BinderTransactionFailedBufferRelease, EventKind.BinderTransactionUpdateBufferRelease);

    private static readonly int[] TransactionIdKinds =
        [.. Kinds(EventKind.BinderTransaction, EventKind.BinderTransactionReceived, EventKind.BinderTxnLatencyFree), .. BufferKinds];

    private static readonly int[] CommandKinds = Kinds(EventKind.BinderCommand, EventKind.BinderReturn);
    private static readonly int[] CmdKinds = [.. CommandKinds, .. Kinds(EventKind.BinderIoctl)];
    private static readonly int[] Ioctl = Kinds(EventKind.BinderIoctl);
    private static readonly int[] DoneKinds = Kinds(EventKind.BinderIoctlDone, EventKind.BinderWriteDone, EventKind.BinderReadDone);
    private static readonly int[] WaitForWork = Kinds(EventKind.BinderWaitForWork);
    private static readonly int[] MmapLockKinds = Kinds(EventKind.MmapLockStartLocking, EventKind.MmapLockAcquireReturned, EventKind.MmapLockReleased);
    private static readonly int[] AcquireReturned = Kinds(EventKind.MmapLockAcquireReturned);
    private static readonly int[] SchedSwitch = Kinds(EventKind.SchedSwitch);
    private static readonly int[] SchedWakeup = Kinds(EventKind.SchedWakeup);
    private static readonly int[] SchedKinds = Kinds(EventKind.SchedSwitch, EventKind.SchedWakeup);
    private static readonly int[] LostEvents = Kinds(EventKind.LostEvents);
    private static readonly int[] TextKinds = Kinds(EventKind.Generic, EventKind.TracingMark);

    public static TableDefinition<TraceEvent> Define()
    {
        var states = new Dictionary<TaskState, string>();
        return new TableDefinition<TraceEvent>(Name, static (in TraceEvent e) => (int)e.Kind, Enum.GetValues<EventKind>().Length)
            .Timestamp("ts_ns", static (in TraceEvent e) => e.Timestamp)
            .Int32("cpu", static (in TraceEvent e) => e.Cpu, dictionary: true)
            .Int32("pid", static (in TraceEvent e) => e.Pid, dictionary: true)
            .Int32("tgid", static (in TraceEvent e, out int v) => (v = e.Tgid) >= 0, dictionary: true)
            .String("comm", static (in TraceEvent e) => e.Comm, dictionary: true)
            .String("event", static (in TraceEvent e) => e.Name, dictionary: true)
            .Int32("proc", static (in TraceEvent e) => e.Kind == EventKind.BinderUpdatePageRange ? e.PageRange.Proc : e.Page.Proc, [.. PageKinds, .. PageRange], dictionary: true)
            .Int64("page_index", static (in TraceEvent e) => e.Page.PageIndex, PageKinds, dictionary: true)
            .Boolean("allocate", static (in TraceEvent e) => e.PageRange.Allocate, PageRange)
            .UInt64("offset", static (in TraceEvent e) => e.PageRange.Offset, PageRange, dictionary: true)
            .UInt64("size", static (in TraceEvent e) => e.PageRange.Size, PageRange, dictionary: true)
            // Transaction ids keep growing: PLAIN compresses them better than dictionary indices would (3.0 MB against 3.9 MB on
            // bench-1100mb). The other integers repeat a few hundred values and are dictionary-encoded.
            .Int32("transaction", static (in TraceEvent e) => e.TransactionId, TransactionIdKinds)
            .Int32("dest_node", static (in TraceEvent e) => e.Transaction.TargetNode, Transaction, dictionary: true)
            .Int32("dest_proc", static (in TraceEvent e) => IsTransaction(e) ? e.Transaction.ToProc : e.TxnLatencyFree.ToProc, TransactionOrLatencyFree, dictionary: true)
            .Int32("dest_thread", static (in TraceEvent e) => IsTransaction(e) ? e.Transaction.ToThread : e.TxnLatencyFree.ToThread, TransactionOrLatencyFree, dictionary: true)
            .Int32("from_proc", static (in TraceEvent e) => e.TxnLatencyFree.FromProc, LatencyFree, dictionary: true)
            .Int32("from_thread", static (in TraceEvent e) => e.TxnLatencyFree.FromThread, LatencyFree, dictionary: true)
            .Int32("reply", static (in TraceEvent e) => e.Transaction.Reply, Transaction, dictionary: true)
            .UInt32("flags", static (in TraceEvent e) => IsTransaction(e) ? e.Transaction.Flags : e.TxnLatencyFree.Flags, TransactionOrLatencyFree, dictionary: true)
            .UInt32("code", static (in TraceEvent e) => IsTransaction(e) ? e.Transaction.Code : e.TxnLatencyFree.Code, TransactionOrLatencyFree, dictionary: true)
            .Int64("data_size", static (in TraceEvent e) => e.Buffer.DataSize, BufferKinds, dictionary: true)
            .Int64("offsets_size", static (in TraceEvent e) => e.Buffer.OffsetsSize, BufferKinds, dictionary: true)
            .Int64("extra_buffers_size", static (in TraceEvent e) => e.Buffer.ExtraBuffersSize, BufferKinds, dictionary: true)
            .UInt32("cmd", static (in TraceEvent e) => e.Kind == EventKind.BinderIoctl ? e.Ioctl.Cmd : e.Command.Cmd, CmdKinds, dictionary: true)
            .String("cmd_name", static (in TraceEvent e) => e.Text2, dictionary: true, presentIn: CommandKinds)
            .UInt64("arg", static (in TraceEvent e) => e.Ioctl.Arg, Ioctl, dictionary: true)
            .Int32("ret", static (in TraceEvent e) => e.ReturnValue, DoneKinds, dictionary: true)
            .Boolean("proc_work", static (in TraceEvent e) => e.WaitForWork.ProcWork, WaitForWork)
            .Boolean("transaction_stack", static (in TraceEvent e) => e.WaitForWork.TransactionStack, WaitForWork)
            .Boolean("thread_todo", static (in TraceEvent e) => e.WaitForWork.ThreadTodo, WaitForWork)
            .UInt64("mm", static (in TraceEvent e) => e.MmapLock.Mm, MmapLockKinds, dictionary: true)
            .Boolean("write", static (in TraceEvent e) => e.MmapLock.Write, MmapLockKinds)
            .Boolean("success", static (in TraceEvent e) => e.MmapLock.Success, AcquireReturned)
            .String("memcg_path", static (in TraceEvent e) => e.Text, dictionary: true, presentIn: MmapLockKinds)
            .UInt64("memcg_id", static (in TraceEvent e, out ulong v) =>
            {
                v = e.MmapLock.MemcgId;
                return e.Text is null; // 6.14+ print memcg_id=; older kernels memcg_path= (the Text)
            }, MmapLockKinds, dictionary: true)
            .String("prev_comm", static (in TraceEvent e) => e.Text, dictionary: true, presentIn: SchedSwitch)
            .Int32("prev_pid", static (in TraceEvent e) => e.SchedSwitch.PrevPid, SchedSwitch, dictionary: true)
            .Int32("prev_prio", static (in TraceEvent e) => e.SchedSwitch.PrevPrio, SchedSwitch, dictionary: true)
            .String("prev_state", (in TraceEvent e) => StateText(states, e.SchedSwitch.PrevState), dictionary: true, presentIn: SchedSwitch)
            .String("next_comm", static (in TraceEvent e) => e.Kind == EventKind.SchedSwitch ? e.Text2 : e.Text, dictionary: true, presentIn: SchedKinds)
            .Int32("next_pid", static (in TraceEvent e) => e.Kind == EventKind.SchedSwitch ? e.SchedSwitch.NextPid : e.SchedWakeup.Pid, SchedKinds, dictionary: true)
            .Int32("next_prio", static (in TraceEvent e) => e.Kind == EventKind.SchedSwitch ? e.SchedSwitch.NextPrio : e.SchedWakeup.Prio, SchedKinds, dictionary: true)
            .Int32("target_cpu", static (in TraceEvent e) => e.SchedWakeup.TargetCpu, SchedWakeup, dictionary: true)
            .Int64("lost_events", static (in TraceEvent e, out long v) => (v = e.LostCount) >= 0, LostEvents, dictionary: true)
            .String("payload", static (in TraceEvent e) => e.Text, presentIn: TextKinds);
    }

    private static bool IsTransaction(in TraceEvent e) => e.Kind == EventKind.BinderTransaction;

    private static int[] Kinds(params EventKind[] kinds) => Array.ConvertAll(kinds, k => (int)k);

    private static string StateText(Dictionary<TaskState, string> cache, TaskState state)
    {
        if (!cache.TryGetValue(state, out var text))
        {
            text = TaskStateText.Format(state);
            cache.Add(state, text);
        }

        return text;
    }
}
