using System.Runtime.ExceptionServices;
using BinderTrace.Events;

namespace BinderTrace.Parsers.Input;

/// <summary>
/// <see cref="ITraceEventBatchSource.ReadBatch"/> for a source whose decoder makes one event at a time (trace.dat,
/// Perfetto): fills the source's buffer through its own <c>TryRead</c>. An error met after some events is thrown
/// at the next call, after those events, as the batch contract asks.
/// </summary>
internal static class OneByOneBatch
{
    public const int Size = 4096;

    public static ReadOnlySpan<TraceEvent> Read<TSource>(TSource source, ref TraceEvent[]? buffer, ref ExceptionDispatchInfo? pendingError)
        where TSource : ITraceEventSource
    {
        if (pendingError is { } error)
        {
            pendingError = null;
            error.Throw();
        }

        buffer ??= new TraceEvent[Size];
        var count = 0;
        try
        {
            while (count < buffer.Length && source.TryRead(out buffer[count]))
            {
                count++;
            }
        }
        catch (Exception exception) when (count > 0)
        {
            pendingError = ExceptionDispatchInfo.Capture(exception);
        }

        return buffer.AsSpan(0, count);
    }
}
