using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Pipeline;

/// <summary>
/// Opens a trace path (a file, or <c>-</c> for standard input) as an event source through
/// <see cref="TraceReader"/>'s content detection, with progress counting and hashing in the byte path when asked.
/// </summary>
internal static class TraceInputOpener
{
    public static ITraceEventSource Open(string path, TracePassOptions options, out InputSha256Stream? hash)
    {
        ArgumentNullException.ThrowIfNull(path);
        hash = null;
        if (path == "-")
        {
            var stdin = options.StandardInput?.Invoke()
                ?? throw new TraceInputException("-: standard input is not available here; give a trace file");
            return TraceReader.Open(Hashed(stdin, options, ref hash), TraceReader.StandardInputName, options.Parse);
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
        if (!options.HashInput && TraceReader.IsTraceDat(path))
        {
            return TraceReader.Open(path, options.Parse);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        Stream input = file;
        if (options.Progress?.Invoke(path, file.Length) is { } report)
        {
            input = new ProgressReportingStream(input, report);
        }

        return TraceReader.Open(Hashed(input, options, ref hash), path, options.Parse);
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
