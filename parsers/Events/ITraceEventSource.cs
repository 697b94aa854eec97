namespace BinderTrace.Events;

/// <summary>
/// A pull stream of events in timestamp order (stable). Parsers and the reference allocator both implement
/// it, so analysis never knows where events came from. <see cref="Diagnostics"/> is complete once
/// <see cref="TryRead"/> has returned false.
/// </summary>
public interface ITraceEventSource : IDisposable
{
    TraceSourceInfo Info { get; }

    TraceDiagnostics Diagnostics { get; }

    /// <summary>The next event, or false at the end of the trace. Throws <see cref="TraceFormatException"/> in strict mode.</summary>
    bool TryRead(out TraceEvent traceEvent);
}
