using BinderTrace.Events;
using BinderTrace.Parsers.Input;
using BinderTrace.Parsers.Perfetto;
using BinderTrace.Parsers.TraceDat;

namespace BinderTrace.Parsers;

/// <summary>
/// Opens an ftrace text trace in any of its containers (kernel <c>trace</c>, <c>trace_pipe</c>,
/// <c>trace-cmd report</c>, Android atrace, systrace HTML) or trace-cmd's binary <c>trace.dat</c>, optionally
/// gzip-compressed, detected by content, as an event stream in timestamp order.
/// </summary>
public static class TraceReader
{
    /// <summary>Name used in messages for standard input.</summary>
    public const string StandardInputName = "<stdin>";

    /// <summary>Reads the file at <paramref name="path"/>; standard input is the caller's to open (<see cref="Open(Stream, string, ParseOptions)"/> with <see cref="StandardInputName"/>).</summary>
    public static ITraceEventSource Open(string path, ParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);

        // The line splitter reads in large blocks itself, so the FileStream needs no buffer of its own.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        return Open(file, path, options);
    }

    /// <summary>
    /// True when the file at <paramref name="path"/> starts with trace-cmd's trace.dat magic. Such a file is best
    /// opened by path: it is then read in place by position, where a wrapped stream must first be copied.
    /// </summary>
    public static bool IsTraceDat(string path)
    {
        Span<byte> start = stackalloc byte[TraceDatFileReader.Magic.Length];
        using var file = File.OpenHandle(path);
        return RandomAccess.Read(file, start, 0) == start.Length && start.SequenceEqual(TraceDatFileReader.Magic);
    }

    /// <summary>Reads <paramref name="stream"/> (and disposes it with the returned source).</summary>
    /// <exception cref="TraceFormatException">A trace.dat whose header or metadata sections are damaged.</exception>
    public static ITraceEventSource Open(Stream stream, string sourceName, ParseOptions options) =>
        Open(stream, sourceName, options, TextReadSettings.Default);

    /// <summary>As <see cref="Open(Stream, string, ParseOptions)"/>, with the text reader's threads and block size chosen (tests compare the single-threaded parse with the parallel one).</summary>
    internal static ITraceEventSource Open(Stream stream, string sourceName, ParseOptions options, TextReadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        var input = TraceInputDetector.Detect(stream);
        if (input.Format == TraceFormat.TraceDat)
        {
            return OpenTraceDat(stream, input, sourceName, options);
        }

        if (input.Format == TraceFormat.Perfetto)
        {
            return new PerfettoTraceSource(input, sourceName, options);
        }

        if (input.NotText)
        {
            input.Text.Dispose();
            throw TraceFormatException.NotATrace(sourceName, input.LooksLike);
        }

        var source = new FtraceTextSource(input, sourceName, options, settings);
        return new TimestampReorderer(source, options.ReorderWindow);
    }

    /// <summary>
    /// trace.dat is read by position. A plain file is read in place; gzip or a pipe is first copied to a temporary
    /// file (deleted when the source is disposed), so memory stays bounded whatever the size.
    /// </summary>
    private static TraceDatSource OpenTraceDat(Stream raw, DetectedInput input, string sourceName, ParseOptions options)
    {
        if (raw is FileStream file && !input.Compressed)
        {
            return TraceDatSource.Open(file.SafeFileHandle, input.Text, sourceName, options);
        }

        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var cut = input.CutWhileSniffing;
        try
        {
            using (input.Text)
            {
                input.Text.CopyTo(spool, 1 << 20);
                cut |= input.Gzip?.WasCut() == true;
            }
        }
        catch (InvalidDataException)
        {
            cut = true;
        }
        catch
        {
            spool.Dispose();
            throw;
        }

        spool.Flush();
        if (cut && options.Strict)
        {
            spool.Dispose();
            throw new TraceFormatException(sourceName, 0, 0, "the compressed input is cut off before its end");
        }

        var source = TraceDatSource.Open(spool.SafeFileHandle, spool, sourceName, options, gzipped: input.Compressed);
        source.Diagnostics.Truncated |= cut;
        return source;
    }
}
