using BinderTrace.Events;

namespace BinderTrace.Focus;

/// <summary>
/// Passes on the events of one binder process, for commands that count events rather than analyse them
/// (<c>stats --proc</c>): binder events that name it (<c>proc=</c>, <c>dest_proc=</c>, <c>from_proc=</c>), and
/// every event of its tasks, a task being its own when the trace's TGID column says so or its id is the
/// process id. Without a TGID column its other threads' non-binder events (their faults' mmap_lock events, their
/// scheduling) cannot be told apart and are left out; the analysis commands use the mm instead (TraceAnalyzer).
/// </summary>
public sealed class ProcessEventSource(ITraceEventSource inner, int proc) : ITraceEventSource
{
    public TraceSourceInfo Info => inner.Info;

    public TraceDiagnostics Diagnostics => inner.Diagnostics;

    /// <summary>Whether any event named the process or ran in it: a process the trace never shows is the caller's error to report.</summary>
    public bool Seen { get; private set; }

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (inner.TryRead(out traceEvent))
        {
            if (traceEvent.Tgid == proc || traceEvent.Pid == proc || Names(traceEvent))
            {
                Seen = true;
                return true;
            }
        }

        if (!Seen)
        {
            throw new TraceFocusException($"{inner.Info.SourceName}: no binder process {proc}: no event names it or runs in it (report lists the binder processes)");
        }

        return false;
    }

    public void Dispose() => inner.Dispose();

    private bool Names(in TraceEvent e) => e.Kind switch
    {
        >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => e.Page.Proc == proc,
        EventKind.BinderUpdatePageRange => e.PageRange.Proc == proc,
        EventKind.BinderTransaction => e.Transaction.ToProc == proc,
        EventKind.BinderTxnLatencyFree => e.TxnLatencyFree.ToProc == proc || e.TxnLatencyFree.FromProc == proc,
        _ => false,
    };
}
