namespace BinderTrace.Events;

/// <summary>
/// One trace record, typed by <see cref="Kind"/>. A value type with a fixed set of numeric slots so that a
/// parser can hand out millions per second without allocating; the typed views (<see cref="Page"/>,
/// <see cref="MmapLock"/>, …) give each kind its field names. Reading a view that does not belong to
/// <see cref="Kind"/> returns meaningless numbers, so callers switch on <see cref="Kind"/> first.
/// Create instances through the static factories, which define which slot holds which field.
/// </summary>
public readonly struct TraceEvent
{
    private readonly long _f0;
    private readonly long _f1;
    private readonly long _f2;
    private readonly long _f3;
    private readonly long _f4;
    private readonly long _f5;
    private readonly long _f6;

    private TraceEvent(
        in EventHeader header, EventKind kind, string name, string? text = null, string? text2 = null,
        long f0 = 0, long f1 = 0, long f2 = 0, long f3 = 0, long f4 = 0, long f5 = 0, long f6 = 0)
    {
        Timestamp = header.Timestamp;
        Cpu = header.Cpu;
        Pid = header.Pid;
        Tgid = header.Tgid;
        Comm = header.Comm;
        Kind = kind;
        Name = name;
        Text = text;
        Text2 = text2;
        _f0 = f0;
        _f1 = f1;
        _f2 = f2;
        _f3 = f3;
        _f4 = f4;
        _f5 = f5;
        _f6 = f6;
    }

    /// <summary>Nanoseconds (or raw ticks for counter clocks, see <see cref="TraceSourceInfo.Clock"/>).</summary>
    public long Timestamp { get; }

    public int Cpu { get; }

    /// <summary>The kernel task id (a thread id) that was running when the event fired.</summary>
    public int Pid { get; }

    /// <summary>Thread-group id (process id) when the trace records it, else -1.</summary>
    public int Tgid { get; }

    public string Comm { get; }

    public EventKind Kind { get; }

    /// <summary>The event name as printed in the trace (for typed kinds, the canonical kernel name).</summary>
    public string Name { get; }

    /// <summary>Raw payload of a generic event, marker text, memcg path, or sched_switch prev_comm / sched_wakeup comm.</summary>
    public string? Text { get; }

    /// <summary>sched_switch next_comm; binder_command / binder_return symbolic name.</summary>
    public string? Text2 { get; }

    public EventHeader Header => new(Timestamp, Cpu, Pid, Tgid, Comm);

    public PageEvent Page => new((int)_f0, _f1);

    public PageRangeUpdate PageRange => new((int)_f0, _f1 != 0, (ulong)_f2, (ulong)_f3);

    public TransactionEvent Transaction => new((int)_f0, (int)_f1, (int)_f2, (int)_f3, (int)_f4, (uint)_f5, (uint)_f6);

    public int TransactionId => (int)_f0;

    public BufferEvent Buffer => new((int)_f0, _f1, _f2, _f3);

    public TxnLatencyFreeEvent TxnLatencyFree => new((int)_f0, (int)_f1, (int)_f2, (int)_f3, (int)_f4, (uint)_f5, (uint)_f6);

    public BinderCommandEvent Command => new((uint)_f0, Text2 ?? "");

    public IoctlEvent Ioctl => new((uint)_f0, (ulong)_f1);

    public int ReturnValue => (int)_f0;

    public WaitForWorkEvent WaitForWork => new(_f0 != 0, _f1 != 0, _f2 != 0);

    public MmapLockEvent MmapLock => new((ulong)_f0, _f1 != 0, _f2 != 0, Text, (ulong)_f3);

    public SchedSwitchEvent SchedSwitch => new(Text ?? "", (int)_f0, (int)_f1, (TaskState)_f2, Text2 ?? "", (int)_f3, (int)_f4);

    public SchedWakeupEvent SchedWakeup => new(Text ?? "", (int)_f0, (int)_f1, (int)_f2);

    /// <summary>For <see cref="EventKind.LostEvents"/>: how many events the kernel lost on <see cref="Cpu"/>, or -1 when unknown.</summary>
    public long LostCount => _f0;

    public static TraceEvent ForPage(in EventHeader h, EventKind kind, int proc, long pageIndex) =>
        new(h, kind, EventNames.Of(kind), f0: proc, f1: pageIndex);

    public static TraceEvent ForPageRange(in EventHeader h, int proc, bool allocate, ulong offset, ulong size) =>
        new(h, EventKind.BinderUpdatePageRange, EventNames.Of(EventKind.BinderUpdatePageRange),
            f0: proc, f1: allocate ? 1 : 0, f2: (long)offset, f3: (long)size);

    public static TraceEvent ForTransaction(in EventHeader h, in TransactionEvent t) =>
        new(h, EventKind.BinderTransaction, EventNames.Of(EventKind.BinderTransaction),
            f0: t.DebugId, f1: t.TargetNode, f2: t.ToProc, f3: t.ToThread, f4: t.Reply, f5: t.Flags, f6: t.Code);

    public static TraceEvent ForTransactionReceived(in EventHeader h, int debugId) =>
        new(h, EventKind.BinderTransactionReceived, EventNames.Of(EventKind.BinderTransactionReceived), f0: debugId);

    public static TraceEvent ForBuffer(in EventHeader h, EventKind kind, in BufferEvent b) =>
        new(h, kind, EventNames.Of(kind), f0: b.DebugId, f1: b.DataSize, f2: b.OffsetsSize, f3: b.ExtraBuffersSize);

    public static TraceEvent ForTxnLatencyFree(in EventHeader h, in TxnLatencyFreeEvent t) =>
        new(h, EventKind.BinderTxnLatencyFree, EventNames.Of(EventKind.BinderTxnLatencyFree),
            f0: t.DebugId, f1: t.FromProc, f2: t.FromThread, f3: t.ToProc, f4: t.ToThread, f5: t.Code, f6: t.Flags);

    /// <summary><paramref name="kind"/> is <see cref="EventKind.BinderCommand"/> or <see cref="EventKind.BinderReturn"/>.</summary>
    public static TraceEvent ForCommand(in EventHeader h, EventKind kind, uint cmd, string commandName) =>
        new(h, kind, EventNames.Of(kind), text2: commandName, f0: cmd);

    public static TraceEvent ForIoctl(in EventHeader h, uint cmd, ulong arg) =>
        new(h, EventKind.BinderIoctl, EventNames.Of(EventKind.BinderIoctl), f0: cmd, f1: (long)arg);

    /// <summary>For the <c>*_done</c> events that print <c>ret=%d</c>.</summary>
    public static TraceEvent ForReturnValue(in EventHeader h, EventKind kind, int ret) =>
        new(h, kind, EventNames.Of(kind), f0: ret);

    public static TraceEvent ForWaitForWork(in EventHeader h, bool procWork, bool transactionStack, bool threadTodo) =>
        new(h, EventKind.BinderWaitForWork, EventNames.Of(EventKind.BinderWaitForWork),
            f0: procWork ? 1 : 0, f1: transactionStack ? 1 : 0, f2: threadTodo ? 1 : 0);

    /// <summary>
    /// mmap_lock events. Kernels up to 6.13 print <c>memcg_path=</c> (pass <paramref name="memcgPath"/>);
    /// 6.14+ print <c>memcg_id=</c> (pass null and <paramref name="memcgId"/>). <paramref name="success"/> is
    /// only printed by <c>mmap_lock_acquire_returned</c>.
    /// </summary>
    public static TraceEvent ForMmapLock(in EventHeader h, EventKind kind, ulong mm, bool write, bool success, string? memcgPath, ulong memcgId) =>
        new(h, kind, EventNames.Of(kind), text: memcgPath, f0: (long)mm, f1: write ? 1 : 0, f2: success ? 1 : 0, f3: (long)memcgId);

    public static TraceEvent ForSchedSwitch(in EventHeader h, in SchedSwitchEvent s) =>
        new(h, EventKind.SchedSwitch, EventNames.Of(EventKind.SchedSwitch), text: s.PrevComm, text2: s.NextComm,
            f0: s.PrevPid, f1: s.PrevPrio, f2: (long)s.PrevState, f3: s.NextPid, f4: s.NextPrio);

    public static TraceEvent ForSchedWakeup(in EventHeader h, in SchedWakeupEvent w) =>
        new(h, EventKind.SchedWakeup, EventNames.Of(EventKind.SchedWakeup), text: w.Comm, f0: w.Pid, f1: w.Prio, f2: w.TargetCpu);

    public static TraceEvent ForTracingMark(in EventHeader h, string name, string text) =>
        new(h, EventKind.TracingMark, name, text: text);

    public static TraceEvent ForLostEvents(in EventHeader h, long count) =>
        new(h, EventKind.LostEvents, EventNames.Of(EventKind.LostEvents), f0: count);

    /// <summary>Any event without a typed kind (or a typed event whose payload did not parse in lenient mode).</summary>
    public static TraceEvent ForGeneric(in EventHeader h, string name, string payload) =>
        new(h, EventKind.Generic, name, text: payload);

    public override string ToString() => $"{Timestamp} [{Cpu}] {Comm}-{Pid} {Name}";
}
