using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Parsers;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Opens the trace paths a command was given. A path is a file or <c>-</c> for stdin; the reader detects the
/// format (and compression) from the content. Parsing runs on its own thread (<see cref="PrefetchingEventSource"/>)
/// so the command's analysis or export uses the second core. Byte progress of files is reported to
/// <see cref="ProgressDisplay"/>.
/// </summary>
internal static class TraceInput
{
    /// <param name="tapFile">Wraps the file stream before it is read (e.g. to hash it on the way); not applied to stdin.</param>
    /// <param name="focus">Restricts the events to a window or phase (filtered on the consumer's side of the hand-over).</param>
    public static ITraceEventSource Open(string path, ParseOptions options, ProgressDisplay progress, Func<Stream, Stream>? tapFile = null, TraceFocus? focus = null) =>
        Focused(new PrefetchingEventSource(OpenUnfocused(path, options, progress, tapFile)), focus);

    /// <summary>For consumers too light to be worth a hand-over between threads (<c>stats</c>), or that run the source on threads of their own (<c>export</c>).</summary>
    public static ITraceEventSource OpenOnThisThread(string path, ParseOptions options, ProgressDisplay progress, Func<Stream, Stream>? tapFile = null, TraceFocus? focus = null) =>
        Focused(OpenUnfocused(path, options, progress, tapFile), focus);

    private static ITraceEventSource Focused(ITraceEventSource source, TraceFocus? focus) =>
        focus is null || focus.IsEverything ? source : new FocusedEventSource(source, focus);

    private static ITraceEventSource OpenUnfocused(string path, ParseOptions options, ProgressDisplay progress, Func<Stream, Stream>? tapFile)
    {
        if (path == "-")
        {
            return TraceReader.Open(Console.OpenStandardInput(), TraceReader.StandardInputName, options);
        }

        if (Directory.Exists(path))
        {
            throw new UserErrorException($"{path}: is a directory, expected a trace file");
        }

        if (!File.Exists(path))
        {
            throw new UserErrorException($"{path}: no such file");
        }

        // A trace.dat is read in place by position (no progress bar); through a wrapping stream it would be copied first.
        if (tapFile is null && TraceReader.IsTraceDat(path))
        {
            return TraceReader.Open(path, options);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var counted = new ProgressStream(tapFile is null ? file : tapFile(file), progress.StartFile(path, file.Length));
        return TraceReader.Open(counted, path, options);
    }
}
