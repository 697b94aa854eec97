using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// Turns what simulated tasks do into trace events at the current virtual time, into a FIFO the consumers drain
/// as the simulation advances (so memory stays flat in duration). Timestamps are cut to whole microseconds,
/// the resolution of the ftrace text, so the in-memory stream equals its own text rendering read back.
/// </summary>
internal sealed class TraceEmitter(Scheduler scheduler, long bootOffsetNs, bool memcgId)
{
    /// <summary>cgroup_id of the root memcg on 6.14+ (the 7.3 capture prints memcg_id=1).</summary>
    private const ulong RootMemcgId = 1;

    /// <summary>The memcg_path the ≤6.13 captures print for every task (all in the root cgroup).</summary>
    private const string RootMemcgPath = "/";

    // A ring of events with the preempt depth the ftrace flags column prints; it holds what one scheduler step
    // emits, so it stays small. Events are copied once in and once out.
    private TraceEvent[] _events = new TraceEvent[256];
    private int[] _depths = new int[256];
    private int _head;

    public int Count { get; private set; }

    public bool TryDequeue(out TraceEvent e, out int preemptDepth)
    {
        if (Count == 0)
        {
            e = default;
            preemptDepth = 0;
            return false;
        }

        e = _events[_head];
        preemptDepth = _depths[_head];
        _events[_head] = default;
        _head = (_head + 1) & (_events.Length - 1);
        Count--;
        return true;
    }

    public void Page(SimTask t, EventKind kind, int proc, long pageIndex) =>
        Push(t, TraceEvent.ForPage(Header(t), kind, proc, pageIndex));

    public void PageRange(SimTask t, int proc, bool allocate, long offset, ulong size) =>
        Push(t, TraceEvent.ForPageRange(Header(t), proc, allocate, (ulong)offset, size));

    public void MmapLock(SimTask t, EventKind kind, ulong mm, bool write, bool success) =>
        Push(t, TraceEvent.ForMmapLock(Header(t), kind, mm, write, success, memcgId ? null : RootMemcgPath, memcgId ? RootMemcgId : 0));

    public void Transaction(SimTask t, in TransactionEvent transaction) =>
        Push(t, TraceEvent.ForTransaction(Header(t), transaction));

    public void Received(SimTask t, int debugId) => Push(t, TraceEvent.ForTransactionReceived(Header(t), debugId));

    public void Buffer(SimTask t, EventKind kind, int debugId, long dataSize, long offsetsSize) =>
        Push(t, TraceEvent.ForBuffer(Header(t), kind, new BufferEvent(debugId, dataSize, offsetsSize, 0)));

    public void LatencyFree(SimTask t, in TxnLatencyFreeEvent latency) => Push(t, TraceEvent.ForTxnLatencyFree(Header(t), latency));

    private EventHeader Header(SimTask t) =>
        new((scheduler.Now + bootOffsetNs) / 1000 * 1000, t.Cpu, t.Pid, -1, t.Comm);

    private void Push(SimTask t, in TraceEvent e)
    {
        if (Count == _events.Length)
        {
            Grow();
        }

        var tail = (_head + Count) & (_events.Length - 1);
        _events[tail] = e;
        _depths[tail] = t.SpinDepth;
        Count++;
    }

    private void Grow()
    {
        var events = new TraceEvent[_events.Length * 2];
        var depths = new int[_events.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            events[i] = _events[(_head + i) & (_events.Length - 1)];
            depths[i] = _depths[(_head + i) & (_events.Length - 1)];
        }

        _events = events;
        _depths = depths;
        _head = 0;
    }
}
