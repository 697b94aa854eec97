using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Builds small event streams by hand (timestamps in ns) for tests whose expected values are worked out on paper.</summary>
internal sealed class TestTrace
{
    private readonly List<TraceEvent> _events = [];

    public IReadOnlyList<TraceEvent> Events => _events;

    public TestTrace Page(long ts, int pid, EventKind kind, int proc, long page, int cpu = 0) =>
        Add(TraceEvent.ForPage(Header(ts, pid, cpu), kind, proc, page));

    /// <summary>A start/end pair of one page operation.</summary>
    public TestTrace PageOp(long start, long end, int pid, EventKind startKind, int proc, long page, int cpu = 0) =>
        Page(start, pid, startKind, proc, page, cpu).Page(end, pid, startKind + 1, proc, page, cpu);

    public TestTrace Range(long ts, int pid, int proc, bool allocate, ulong offset, ulong size) =>
        Add(TraceEvent.ForPageRange(Header(ts, pid), proc, allocate, offset, size));

    public TestTrace StartLocking(long ts, int pid, ulong mm, bool write, int cpu = 0) =>
        Add(TraceEvent.ForMmapLock(Header(ts, pid, cpu), EventKind.MmapLockStartLocking, mm, write, false, "/", 0));

    public TestTrace Acquired(long ts, int pid, ulong mm, bool write, bool success = true, int cpu = 0) =>
        Add(TraceEvent.ForMmapLock(Header(ts, pid, cpu), EventKind.MmapLockAcquireReturned, mm, write, success, "/", 0));

    public TestTrace Released(long ts, int pid, ulong mm, bool write, int cpu = 0) =>
        Add(TraceEvent.ForMmapLock(Header(ts, pid, cpu), EventKind.MmapLockReleased, mm, write, false, "/", 0));

    /// <summary>start_locking, acquire_returned(success) and released: one wait and one hold.</summary>
    public TestTrace Lock(long start, long acquired, long released, int pid, ulong mm, bool write, int cpu = 0) =>
        StartLocking(start, pid, mm, write, cpu).Acquired(acquired, pid, mm, write, cpu: cpu).Released(released, pid, mm, write, cpu);

    public TestTrace Transaction(long ts, int pid, int debugId, int toProc, int toThread = 0, bool reply = false, bool oneway = false) =>
        Add(TraceEvent.ForTransaction(Header(ts, pid), new TransactionEvent(debugId, reply ? 0 : 1, toProc, toThread, reply ? 1 : 0, oneway ? 1u : 0u, 1)));

    public TestTrace AllocBuf(long ts, int pid, int debugId, long dataSize, long offsetsSize = 0) =>
        Add(TraceEvent.ForBuffer(Header(ts, pid), EventKind.BinderTransactionAllocBuf, new BufferEvent(debugId, dataSize, offsetsSize, 0)));

    public TestTrace Received(long ts, int pid, int debugId) =>
        Add(TraceEvent.ForTransactionReceived(Header(ts, pid), debugId));

    public TestTrace Freed(long ts, int pid, int debugId, int toProc) =>
        Add(TraceEvent.ForTxnLatencyFree(Header(ts, pid), new TxnLatencyFreeEvent(debugId, 0, 0, toProc, 0, 0, 0)));

    public TestTrace Marker(long ts, string text) =>
        Add(TraceEvent.ForTracingMark(Header(ts, 1), "tracing_mark_write", text));

    public TestTrace Lost(long ts, int cpu) => Add(TraceEvent.ForLostEvents(Header(ts, 0, cpu), 10));

    public TestTrace Add(TraceEvent e)
    {
        _events.Add(e);
        return this;
    }

    public TraceReport Analyze(IAnalysisSink? sink = null, AnalysisOptions? options = null)
    {
        using var source = new ListSource(_events);
        return TraceAnalyzer.Analyze(source, options, sink);
    }

    public RecordingSink AnalyzeRows(AnalysisOptions? options = null)
    {
        var sink = new RecordingSink();
        Analyze(sink, options);
        return sink;
    }

    private static EventHeader Header(long ts, int pid, int cpu = 0) => new(ts, cpu, pid, -1, "task" + pid);

    private sealed class ListSource(IReadOnlyList<TraceEvent> events) : ITraceEventSource
    {
        private int _next;

        public TraceSourceInfo Info { get; } = new() { SourceName = "hand-built" };

        public TraceDiagnostics Diagnostics { get; } = new();

        public bool TryRead(out TraceEvent traceEvent)
        {
            if (_next < events.Count)
            {
                traceEvent = events[_next++];
                return true;
            }

            traceEvent = default;
            return false;
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>Keeps every row the analysis emits, in emission order.</summary>
internal sealed class RecordingSink : IAnalysisSink
{
    public List<PageInterval> Intervals { get; } = [];

    public List<MmapLockHold> Holds { get; } = [];

    public List<MmapLockWait> Waits { get; } = [];

    public List<MmapLockBlocker> Blockers { get; } = [];

    public List<TransactionRecord> Transactions { get; } = [];

    public void OnPageInterval(in PageInterval interval) => Intervals.Add(interval);

    public void OnLockHold(in MmapLockHold hold) => Holds.Add(hold);

    public void OnLockWait(in MmapLockWait wait) => Waits.Add(wait);

    public void OnLockBlocker(in MmapLockBlocker blocker) => Blockers.Add(blocker);

    public void OnTransaction(TransactionRecord transaction) => Transactions.Add(transaction);
}
