using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Opens the trace paths a command was given. A path is a file or <c>-</c> for stdin; the reader detects the
/// format (and compression) from the content. Byte progress of files is reported to <see cref="ProgressDisplay"/>.
/// </summary>
internal static class TraceInput
{
    public static ITraceEventSource Open(string path, ParseOptions options, ProgressDisplay progress)
    {
        if (path == "-")
        {
            return TraceReader.Open(path, options);
        }

        if (Directory.Exists(path))
        {
            throw new UserErrorException($"{path}: is a directory, expected a trace file");
        }

        if (!File.Exists(path))
        {
            throw new UserErrorException($"{path}: no such file");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var counted = new ProgressStream(file, progress.StartFile(path, file.Length));
        return TraceReader.Open(counted, path, options);
    }
}
