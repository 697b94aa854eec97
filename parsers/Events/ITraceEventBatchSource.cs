namespace BinderTrace.Events;

/// <summary>
/// An event source that can hand over its events a batch at a time, without copying them into a caller's buffer.
/// The trace pass prefers it over <see cref="ITraceEventSource.TryRead"/>, whose per-event interface call and
/// struct copy cost more than parsing a short event line.
/// </summary>
public interface ITraceEventBatchSource : ITraceEventSource
{
    /// <summary>
    /// The next events in trace order, in memory the source owns and may reuse at the next call; empty at the end
    /// of the trace (then <see cref="ITraceEventSource.Diagnostics"/> is complete). Throws
    /// <see cref="TraceFormatException"/> in strict mode after handing over the events before the error.
    /// Callers use either this or <see cref="ITraceEventSource.TryRead"/> on one source, never both.
    /// </summary>
    ReadOnlySpan<TraceEvent> ReadBatch();

    /// <summary>
    /// Whether the source already parses on worker threads of its own, ahead of the caller: a pass then gains nothing
    /// from a read-ahead thread, whose hand-over would only copy every event once more.
    /// </summary>
    bool ParsesAhead => false;

    /// <summary>
    /// Called from another thread (Ctrl-C): a <see cref="ReadBatch"/> waiting for the source's workers ends with
    /// <see cref="OperationCanceledException"/>, now or at its next wait. Only a source that <see cref="ParsesAhead"/>
    /// waits for other threads; the workers' own read of a silent pipe cannot be interrupted, but they are background
    /// threads and disposing the source closes the input under them.
    /// </summary>
    void CancelPendingRead()
    {
    }
}
