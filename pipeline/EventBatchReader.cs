using System.Runtime.ExceptionServices;
using BinderTrace.Events;

namespace BinderTrace.Pipeline;

/// <summary>
/// Reads a source a batch at a time: through <see cref="ITraceEventBatchSource.ReadBatch"/> when the source hands
/// batches over itself, else by <see cref="ITraceEventSource.TryRead"/> into a reused array. An error of the source
/// comes after the events read before it, as a source read event by event gives it.
/// </summary>
internal sealed class EventBatchReader(ITraceEventSource source)
{
    private readonly ITraceEventBatchSource? _batches = source as ITraceEventBatchSource;
    private TraceEvent[] _events = [];
    private ExceptionDispatchInfo? _pending;
    private bool _ended;

    /// <summary>The next events in trace order, valid until the next call; empty at the end.</summary>
    public ReadOnlySpan<TraceEvent> Next()
    {
        if (_batches is not null)
        {
            return _batches.ReadBatch();
        }

        _pending?.Throw();
        if (_ended)
        {
            // Some sources (trace.dat) must not be asked again once they have said the trace is over.
            return [];
        }

        if (_events.Length == 0)
        {
            _events = new TraceEvent[TracePass.BatchSize];
        }

        var count = 0;
        try
        {
            while (count < _events.Length)
            {
                if (!source.TryRead(out _events[count]))
                {
                    _ended = true;
                    break;
                }

                count++;
            }
        }
        catch (Exception exception) when (count > 0)
        {
            _pending = ExceptionDispatchInfo.Capture(exception);
        }

        return _events.AsSpan(0, count);
    }
}
