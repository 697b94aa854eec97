using BinderTrace.Events;

namespace BinderTrace.Pipeline;

/// <summary>
/// One pass over one trace: opens the input (<see cref="Open"/>), runs its reader, applies the focus stage and
/// pushes the events, in trace order and in batches, to every consumer; then tells each the end. It is the one way
/// commands read traces. A reader's error reaches the caller after the events before it; a consumer's error stops
/// the pass and reaches the caller; cancellation stops it with <see cref="OperationCanceledException"/>. No thread
/// of the pass outlives <see cref="Run"/>.
/// <para>
/// Threads: with <see cref="TracePassOptions.ReadAhead"/> (or several lanes) the reader and the focus stage run on a
/// thread of their own, filling pooled arrays of <see cref="BatchSize"/> events; each lane of consumers runs on its
/// own thread (the first on the caller's) over the very same arrays, and an array is reused once every lane is done
/// with it, so memory is bounded by the pool whatever the trace's size. Without (or with one lane over a source that
/// parses ahead on workers of its own), the consumers run on the caller's thread and a source that hands batches
/// over (<see cref="ITraceEventBatchSource"/>) is read without a copy.
/// </para>
/// </summary>
public sealed class TracePass : IDisposable
{
    /// <summary>Events per hand-over between threads: large enough to amortise the synchronisation.</summary>
    public const int BatchSize = 4096;

    private const int BatchesInFlight = 4;

    private readonly ITraceEventSource _source;
    private readonly Stream? _input;
    private readonly InputSha256Stream? _hash;
    private readonly FocusFilter? _focus;
    private readonly bool _readAhead;
    private bool _ran;

    private TracePass(ITraceEventSource source, Stream? input, InputSha256Stream? hash, TracePassOptions options)
    {
        _source = source;
        _input = input;
        _hash = hash;
        _focus = options.Focus is { IsEverything: false } focus ? new FocusFilter(focus) : null;
        _readAhead = options.ReadAhead;
    }

    public TraceSourceInfo Info => _source.Info;

    /// <summary>The reader's data-quality counters; complete once <see cref="Run"/> has returned.</summary>
    public TraceDiagnostics Diagnostics => _source.Diagnostics;

    /// <summary><c>sha256:&lt;hex&gt;</c> of the input's stored bytes, once the pass has run with <see cref="TracePassOptions.HashInput"/>.</summary>
    public string? InputSha256 { get; private set; }

    /// <summary>Opens <paramref name="path"/> (a file, or <c>-</c> for standard input); the format is detected from the content.</summary>
    /// <param name="cancellation">Stops the wait for standard input's first bytes, which a silent pipe may never send.</param>
    /// <exception cref="TraceInputException">The path is missing or a directory.</exception>
    /// <exception cref="TraceFormatException">The input is not a trace, or its header is damaged.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired first.</exception>
    public static TracePass Open(string path, TracePassOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellation.ThrowIfCancellationRequested();
        return path == "-" && cancellation.CanBeCanceled ? OpenStandardInput(options, cancellation) : OpenNow(path, options);
    }

    private static TracePass OpenNow(string path, TracePassOptions options)
    {
        var source = TraceInputOpener.Open(path, options, out var input, out var hash);
        return new TracePass(source, input, hash, options);
    }

    /// <summary>
    /// Format detection reads standard input's first bytes, and a read from a pipe cannot be interrupted, so it runs on
    /// a pool thread that the caller stops waiting for on cancellation. A pass opened after that is disposed at once.
    /// </summary>
    private static TracePass OpenStandardInput(TracePassOptions options, CancellationToken cancellation)
    {
        var opening = Task.Run(() => OpenNow("-", options), CancellationToken.None);
        try
        {
            return opening.WaitAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            _ = opening.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>A pass over a source that is not read from a path (the reference allocator, a replay); it is disposed with the pass.</summary>
    public static TracePass Over(ITraceEventSource source, TracePassOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new TracePassOptions();
        if (options.HashInput)
        {
            throw new ArgumentException("Only an input opened from a path has stored bytes to hash.", nameof(options));
        }

        return new TracePass(source, input: null, hash: null, options);
    }

    /// <summary>Runs the pass with all <paramref name="consumers"/> on the caller's thread, each seeing each batch in list order.</summary>
    public void Run(IReadOnlyList<ITraceEventConsumer> consumers, CancellationToken cancellation = default) =>
        RunConcurrently([consumers], cancellation);

    /// <summary>
    /// Runs the pass with each lane of consumers on a thread of its own (the first lane on the caller's), for
    /// consumers heavy enough to be worth a core (the events table beside the analysis).
    /// </summary>
    public void RunConcurrently(IReadOnlyList<IReadOnlyList<ITraceEventConsumer>> lanes, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        ArgumentOutOfRangeException.ThrowIfZero(lanes.Count);
        if (_ran)
        {
            throw new InvalidOperationException("A trace pass runs once.");
        }

        _ran = true;
        // A pass waiting for the text reader's workers, which wait on a silent pipe, would otherwise notice Ctrl-C only
        // when the writer sends or closes.
        using var wake = _source is ITraceEventBatchSource { ParsesAhead: true } ahead
            ? cancellation.Register(ahead.CancelPendingRead)
            : default;
        if (lanes.Count == 1 && (!_readAhead || _source is ITraceEventBatchSource { ParsesAhead: true }))
        {
            RunOnThisThread(lanes[0], cancellation);
        }
        else
        {
            new BatchHandOver(new EventBatchReader(_source), _focus, _source.Info, lanes, BatchesInFlight).Run(cancellation);
        }

        InputSha256 = _hash?.Complete();
        foreach (var lane in lanes)
        {
            foreach (var consumer in lane)
            {
                consumer.OnEnd(_source.Info, _source.Diagnostics);
            }
        }
    }

    public void Dispose()
    {
        _source.Dispose();
        // Readers own the stream they read and close it with themselves; this covers one that failed before taking it.
        _input?.Dispose();
    }

    private void RunOnThisThread(IReadOnlyList<ITraceEventConsumer> consumers, CancellationToken cancellation)
    {
        var reader = new EventBatchReader(_source);
        var kept = Array.Empty<TraceEvent>();
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = reader.Next();
            if (batch.IsEmpty)
            {
                break;
            }

            if (_focus is not null)
            {
                if (kept.Length < batch.Length)
                {
                    kept = new TraceEvent[batch.Length];
                }

                batch = kept.AsSpan(0, _focus.Filter(batch, kept));
                if (batch.IsEmpty)
                {
                    continue;
                }
            }

            foreach (var consumer in consumers)
            {
                consumer.OnEvents(batch);
            }
        }

        _focus?.Finish(_source.Info.SourceName);
    }
}
