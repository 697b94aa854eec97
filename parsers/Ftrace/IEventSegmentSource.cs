using BinderTrace.Events;

namespace BinderTrace.Parsers;

/// <summary>
/// A source that hands over its events as segments of arrays it owns (valid until the next call; empty at the end),
/// so that <see cref="TimestampReorderer"/> can pass most of them on without copying each event.
/// </summary>
internal interface IEventSegmentSource : ITraceEventSource
{
    ArraySegment<TraceEvent> ReadSegment();

    /// <summary>Whether the events are parsed on worker threads ahead of the caller (<see cref="ITraceEventBatchSource.ParsesAhead"/>).</summary>
    bool ParsesAhead { get; }

    /// <summary><see cref="ITraceEventBatchSource.CancelPendingRead"/>; a source that does not parse ahead has nothing to cancel.</summary>
    void CancelPendingRead()
    {
    }
}

/// <summary>How the text reader parses: on <see cref="Workers"/> threads in blocks of <see cref="BlockBytes"/>, or on the caller's thread when <see cref="Workers"/> is 0.</summary>
internal sealed record TextReadSettings(int Workers, int BlockBytes)
{
    public static TextReadSettings Default { get; } = new(Math.Clamp(Environment.ProcessorCount, 1, 4), 1 << 19);

    public static TextReadSettings SingleThreaded { get; } = new(0, 1 << 19);
}
