using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

public sealed class ProcessEventFilterTests
{
    private const int Proc = 300;

    [Fact]
    public void Without_tgids_a_thread_is_the_processs_once_a_binder_event_pairs_them()
    {
        // No TGID column (-1). Thread 301 of process 300 runs before and after binder_transaction names it as
        // dest_thread of dest_proc 300; thread 401 is only ever paired with process 400; thread 501 with nothing.
        TraceEvent[] events =
        [
            Sched(1, pid: 301),                                       // 301 not yet known: left out, counted late
            Sched(2, pid: 300),                                       // the process id itself: kept
            Transaction(3, pid: 401, toProc: Proc, toThread: 301),   // names proc 300: kept; pairs 301 → 300
            Sched(4, pid: 301),                                       // kept
            Sched(5, pid: 501),                                       // never paired: counted unknown
            LatencyFree(6, pid: 0, fromProc: 400, fromThread: 401, toProc: Proc, toThread: 301), // names 300: kept
            Sched(7, pid: 401),                                       // paired with 400: left out, not counted
            Sched(8, pid: 501),                                       // unknown again
            Sched(9, pid: 0),                                         // the idle task: nobody's, not counted
        ];
        var kept = new RecordingConsumer();
        var filter = new ProcessEventFilter(kept, Proc);
        using var pass = TracePass.Over(new ArraySource(events), new TracePassOptions { ReadAhead = false });

        pass.Run([filter]);

        Assert.Equal([2L, 3, 4, 6], kept.Events.Select(e => e.Timestamp));
        Assert.Equal(new ProcessAttribution(LateEvents: 1, LateTasks: 1, UnknownEvents: 2), filter.Attribution);
        Assert.NotNull(kept.EndInfo);
    }

    [Fact]
    public void With_tgids_the_column_decides()
    {
        TraceEvent[] events = [Sched(1, pid: 301, tgid: Proc), Sched(2, pid: 302, tgid: 400)];
        var kept = new RecordingConsumer();
        var filter = new ProcessEventFilter(kept, Proc);
        using var pass = TracePass.Over(new ArraySource(events));

        pass.Run([filter]);

        Assert.Equal([1L], kept.Events.Select(e => e.Timestamp));
        Assert.True(filter.Attribution.IsComplete);
    }

    [Fact]
    public void A_process_the_trace_never_shows_is_an_error()
    {
        var kept = new RecordingConsumer();
        using var pass = TracePass.Over(new ArraySource([Sched(1, pid: 5)]));

        var error = Assert.Throws<TraceFocusException>(() => pass.Run([new ProcessEventFilter(kept, Proc)]));

        Assert.Equal("array: no binder process 300: no event names it or runs in it (report lists the binder processes)", error.Message);
        Assert.Null(kept.EndInfo);
    }

    private static EventHeader Header(long ts, int pid, int tgid = -1) => new(ts, 0, pid, tgid, "t");

    private static TraceEvent Sched(long ts, int pid, int tgid = -1) =>
        TraceEvent.ForSchedSwitch(Header(ts, pid, tgid), new SchedSwitchEvent("t", pid, 120, TaskState.Running, "u", 9, 120));

    private static TraceEvent Transaction(long ts, int pid, int toProc, int toThread) =>
        TraceEvent.ForTransaction(Header(ts, pid), new TransactionEvent(7, 1, toProc, toThread, 0, 0, 0));

    private static TraceEvent LatencyFree(long ts, int pid, int fromProc, int fromThread, int toProc, int toThread) =>
        TraceEvent.ForTxnLatencyFree(Header(ts, pid), new TxnLatencyFreeEvent(7, fromProc, fromThread, toProc, toThread, 0, 0));

    private sealed class ArraySource(TraceEvent[] events) : ITraceEventSource
    {
        private int _next;

        public TraceSourceInfo Info { get; } = new() { SourceName = "array" };

        public TraceDiagnostics Diagnostics { get; } = new();

        public bool TryRead(out TraceEvent traceEvent)
        {
            traceEvent = _next < events.Length ? events[_next] : default;
            return _next++ < events.Length;
        }

        public void Dispose()
        {
        }
    }
}
