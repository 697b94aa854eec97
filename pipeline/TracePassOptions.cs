using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Parsers;

namespace BinderTrace.Pipeline;

/// <summary>How a <see cref="TracePass"/> opens and reads its input.</summary>
public sealed record TracePassOptions
{
    public ParseOptions Parse { get; init; } = ParseOptions.Default;

    /// <summary>Only the events in this window or phase reach the consumers; a focus that matches nothing is an error at the end.</summary>
    public TraceFocus? Focus { get; init; }

    /// <summary>Hash the input's stored bytes on the way (<see cref="TracePass.InputSha256"/>).</summary>
    public bool HashInput { get; init; }

    /// <summary>
    /// Read on a thread of its own, handing batches over, so that the reader and the consumers use two cores.
    /// Off for consumers too light to be worth the hand-over (statistics); a reader that parses on worker threads of its
    /// own (<see cref="ITraceEventBatchSource.ParsesAhead"/>) is read on the consumers' thread whatever this says.
    /// </summary>
    public bool ReadAhead { get; init; } = true;

    /// <summary>Opens standard input for the path <c>-</c>; the caller owns the console, so without it <c>-</c> is refused.</summary>
    public Func<Stream>? StandardInput { get; init; }

    /// <summary>
    /// Called once per input file with its path and size; the returned callback gets the bytes read so far (a progress bar).
    /// </summary>
    public Func<string, long, Action<long>>? Progress { get; init; }

    /// <summary>The reader of the opened bytes (stream, source name, options); <see cref="TraceReader"/>'s detection unless a test puts hand-made events in.</summary>
    internal Func<Stream, string, ParseOptions, ITraceEventSource>? Reader { get; init; }
}
