using BinderTrace.Events;

namespace BinderTrace.Export;

/// <summary>
/// Passes a trace's events through unchanged while appending each one to the <c>events</c> table, so the
/// analysis and the events export share a single pass over the input.
/// </summary>
internal sealed class EventRecordingSource(
    ITraceEventSource inner, TableFile<TraceEvent>? events, CancellationToken cancellation) : ITraceEventSource
{
    // Checking the token every event would cost more than the check is worth.
    private const long CancellationInterval = 1 << 16;

    public long EventCount { get; private set; }

    public TraceSourceInfo Info => inner.Info;

    public TraceDiagnostics Diagnostics => inner.Diagnostics;

    public bool TryRead(out TraceEvent traceEvent)
    {
        if (!inner.TryRead(out traceEvent))
        {
            return false;
        }

        events?.Append(in traceEvent);
        if (++EventCount % CancellationInterval == 0)
        {
            cancellation.ThrowIfCancellationRequested();
        }

        return true;
    }

    public void Dispose() => inner.Dispose();
}
