using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Keeps every event it is given, in order, and what it was told at the end.</summary>
internal sealed class RecordingConsumer(Action<int>? onBatch = null) : ITraceEventConsumer
{
    public List<TraceEvent> Events { get; } = [];

    public int Batches { get; private set; }

    public TraceSourceInfo? EndInfo { get; private set; }

    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        Batches++;
        onBatch?.Invoke(Batches);
        Events.AddRange(batch);
    }

    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics) => EndInfo = info;
}

/// <summary>
/// Generated events: <see cref="FailAfter"/> of them, then the error (or the end without one); endless when null. Reads are counted, so a test
/// can tell when reading has stopped.
/// </summary>
internal sealed class GeneratedEventSource(long? failAfter, Exception? error = null) : ITraceEventSource
{
    private long _reads;

    public long? FailAfter => failAfter;

    public long Reads => Interlocked.Read(ref _reads);

    public bool Disposed { get; private set; }

    public TraceSourceInfo Info { get; } = new() { SourceName = "generated", Format = TraceFormat.FtraceText };

    public TraceDiagnostics Diagnostics { get; } = new();

    public static TraceEvent Event(long i) => TraceEvent.ForGeneric(new EventHeader(i, 0, 1, 1, "gen"), "e", "");

    public bool TryRead(out TraceEvent traceEvent)
    {
        var i = Interlocked.Increment(ref _reads) - 1;
        if (failAfter is { } n && i >= n)
        {
            traceEvent = default;
            if (error is not null)
            {
                throw error;
            }

            return false;
        }

        traceEvent = Event(i);
        return true;
    }

    public void Dispose() => Disposed = true;
}
