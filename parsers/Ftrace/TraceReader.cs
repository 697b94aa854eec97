using BinderTrace.Events;
using BinderTrace.Parsers.Perfetto;

namespace BinderTrace.Parsers;

/// <summary>
/// Opens an ftrace text trace in any of its containers (kernel <c>trace</c>, <c>trace_pipe</c>,
/// <c>trace-cmd report</c>, Android atrace, systrace HTML; optionally gzip), detected by content, as an
/// event stream in timestamp order.
/// </summary>
public static class TraceReader
{
    /// <summary>Name used in messages for standard input.</summary>
    public const string StandardInputName = "<stdin>";

    /// <param name="pathOrDash">A file path, or "-" for standard input.</param>
    public static ITraceEventSource Open(string pathOrDash, ParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(pathOrDash);
        if (pathOrDash == "-")
        {
            return Open(Console.OpenStandardInput(), StandardInputName, options);
        }

        // The line splitter reads in large blocks itself, so the FileStream needs no buffer of its own.
        var file = new FileStream(pathOrDash, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return Open(file, pathOrDash, options);
    }

    /// <summary>Reads <paramref name="stream"/> (and disposes it with the returned source).</summary>
    /// <exception cref="TraceFormatException">The input is a trace format other than ftrace text (trace-cmd's trace.dat).</exception>
    public static ITraceEventSource Open(Stream stream, string sourceName, ParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        var input = TraceInputDetector.Detect(stream);
        if (input.Unsupported is not null)
        {
            input.Text.Dispose();
            throw new TraceFormatException(sourceName, 0, 0, "this is " + input.Unsupported);
        }

        if (input.Format == TraceFormat.Perfetto)
        {
            return new PerfettoTraceSource(input, sourceName, options);
        }

        var source = new FtraceTextSource(input, sourceName, options);
        return new TimestampReorderer(source, options.ReorderWindow);
    }
}
