using BinderTrace.Events;
using BinderTrace.Parsers;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Pipeline;

/// <summary>
/// Opens a trace path (a file, or <c>-</c> for standard input) as an event source through
/// <see cref="TraceReader"/>'s content detection, with progress counting and hashing in the byte path when asked.
/// </summary>
internal static class TraceInputOpener
{
    /// <param name="input">The outermost stream the source reads, which the pass disposes after the source; null when the source opened the file itself.</param>
    public static ITraceEventSource Open(string path, TracePassOptions options, out Stream? input, out InputSha256Stream? hash)
    {
        ArgumentNullException.ThrowIfNull(path);
        hash = null;
        input = null;
        Func<Stream, string, ParseOptions, ITraceEventSource> read = options.Reader ?? TraceReader.Open;
        if (path == "-")
        {
            var stdin = options.StandardInput?.Invoke()
                ?? throw new TraceInputException("-: standard input is not available here; give a trace file");
            input = Hashed(stdin, options, ref hash);
            return ReadOrClose(read, input, TraceReader.StandardInputName, options.Parse);
        }

        if (Directory.Exists(path))
        {
            throw new TraceInputException($"{path}: is a directory, expected a trace file");
        }

        if (!File.Exists(path))
        {
            throw new TraceInputException($"{path}: no such file");
        }

        // A trace.dat is read in place by position (no progress bar); through a wrapping stream it would be copied first.
        if (!options.HashInput && options.Reader is null && TraceReader.IsTraceDat(path))
        {
            return TraceReader.Open(path, options.Parse);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        input = file;
        if (options.Progress?.Invoke(path, file.Length) is { } report)
        {
            input = new ProgressReportingStream(input, report);
        }

        input = Hashed(input, options, ref hash);
        return ReadOrClose(read, input, path, options.Parse);
    }

    private static ITraceEventSource ReadOrClose(Func<Stream, string, ParseOptions, ITraceEventSource> read, Stream input, string name, ParseOptions options)
    {
        try
        {
            return read(input, name, options);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    private static Stream Hashed(Stream input, TracePassOptions options, ref InputSha256Stream? hash)
    {
        if (!options.HashInput)
        {
            return input;
        }

        hash = new InputSha256Stream(input);
        return hash;
    }

    /// <summary>Reports how far the reader has got in the file.</summary>
    private sealed class ProgressReportingStream(Stream inner, Action<long> report) : ForwardReadStream(inner)
    {
        private long _position;

        public override int Read(Span<byte> buffer)
        {
            var read = Inner.Read(buffer);
            _position += read;
            report(_position);
            return read;
        }
    }
}
