using System.Runtime.InteropServices;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Pipeline;

/// <summary>
/// Passes on to another consumer the events of one binder process, for consumers that count or store events rather
/// than analyse them (<c>stats --proc</c>, the events table of <c>export --proc</c>): binder events that name it
/// (<c>proc=</c>, <c>dest_proc=</c>, <c>from_proc=</c>) and every event of its tasks. A task is the process's when the
/// trace's TGID column says so, when its id is the process id, or, in traces without a TGID column, once a binder
/// event has paired it with the process (<c>dest_proc</c>/<c>dest_thread</c> of <c>binder_transaction</c>, both ends
/// of <c>binder_txn_latency_free</c>). Events of a task before its pairing, and of tasks never paired with any
/// process, cannot be attributed: they are left out and counted (<see cref="Attribution"/>).
/// </summary>
public sealed class ProcessEventFilter(ITraceEventConsumer inner, int proc) : ITraceEventConsumer
{
    private readonly Dictionary<int, int> _processOfTask = [];
    private readonly Dictionary<int, long> _unattributedByTask = [];
    private TraceEvent[] _kept = [];
    private bool _seen;

    /// <summary>What could not be attributed; complete at the end of the pass.</summary>
    public ProcessAttribution Attribution { get; private set; } = new(0, 0, 0);

    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        if (_kept.Length < batch.Length)
        {
            _kept = new TraceEvent[batch.Length];
        }

        var count = 0;
        foreach (ref readonly var e in batch)
        {
            Learn(e);
            if (Belongs(e))
            {
                _kept[count++] = e;
            }
        }

        if (count > 0)
        {
            _seen = true;
            inner.OnEvents(_kept.AsSpan(0, count));
        }
    }

    /// <summary>Throws <see cref="TraceFocusException"/> when no event named the process or ran in it.</summary>
    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!_seen)
        {
            throw new TraceFocusException($"{info.SourceName}: no binder process {proc}: no event names it or runs in it (report lists the binder processes)");
        }

        long late = 0, lateTasks = 0, unknown = 0;
        foreach (var (task, events) in _unattributedByTask)
        {
            if (_processOfTask.GetValueOrDefault(task, -1) == proc)
            {
                late += events;
                lateTasks++;
            }
            else if (!_processOfTask.ContainsKey(task))
            {
                unknown += events;
            }
        }

        Attribution = new ProcessAttribution(late, lateTasks, unknown);
        inner.OnEnd(info, diagnostics);
    }

    private void Learn(in TraceEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.BinderTransaction when e.Transaction.ToThread > 0:
                _processOfTask[e.Transaction.ToThread] = e.Transaction.ToProc;
                break;
            case EventKind.BinderTxnLatencyFree:
                var t = e.TxnLatencyFree;
                if (t.FromThread > 0)
                {
                    _processOfTask[t.FromThread] = t.FromProc;
                }

                if (t.ToThread > 0)
                {
                    _processOfTask[t.ToThread] = t.ToProc;
                }

                break;
        }
    }

    private bool Belongs(in TraceEvent e)
    {
        if (e.Tgid == proc || e.Pid == proc || Names(e))
        {
            return true;
        }

        // With a TGID column the task's process is known; the idle task (0) is nobody's.
        if (e.Tgid >= 0 || e.Pid == 0)
        {
            return false;
        }

        if (_processOfTask.TryGetValue(e.Pid, out var owner))
        {
            return owner == proc;
        }

        ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_unattributedByTask, e.Pid, out _);
        count++;
        return false;
    }

    private bool Names(in TraceEvent e) => e.Kind switch
    {
        >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => e.Page.Proc == proc,
        EventKind.BinderUpdatePageRange => e.PageRange.Proc == proc,
        EventKind.BinderTransaction => e.Transaction.ToProc == proc,
        EventKind.BinderTxnLatencyFree => e.TxnLatencyFree.ToProc == proc || e.TxnLatencyFree.FromProc == proc,
        _ => false,
    };
}

/// <summary>
/// Events a <see cref="ProcessEventFilter"/> left out because, when they came, the trace had not tied their task to a
/// process: <see cref="LateEvents"/> of <see cref="LateTasks"/> tasks later paired with the process (its events that
/// were missed), and <see cref="UnknownEvents"/> of tasks never paired with any process (some may be its own).
/// </summary>
public readonly record struct ProcessAttribution(long LateEvents, long LateTasks, long UnknownEvents)
{
    public bool IsComplete => LateEvents == 0 && UnknownEvents == 0;
}
