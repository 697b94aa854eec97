using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>An in-memory trace for driving the exporter with hand-made events.</summary>
public sealed class ListEventSource(TraceSourceInfo info, IEnumerable<TraceEvent> events) : ITraceEventSource
{
    private readonly IEnumerator<TraceEvent> _events = events.GetEnumerator();

    public TraceSourceInfo Info { get; } = info;

    public TraceDiagnostics Diagnostics { get; } = new();

    public bool Disposed { get; private set; }

    public bool TryRead(out TraceEvent traceEvent)
    {
        if (_events.MoveNext())
        {
            traceEvent = _events.Current;
            Diagnostics.EventsRead++;
            return true;
        }

        traceEvent = default;
        return false;
    }

    public void Dispose()
    {
        Disposed = true;
        _events.Dispose();
    }
}
