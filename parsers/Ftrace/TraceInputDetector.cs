using System.IO.Compression;
using BinderTrace.Events;
using BinderTrace.Parsers.Perfetto;

namespace BinderTrace.Parsers;

/// <summary>The ftrace text inside whatever container the input was, and what that container was.</summary>
/// <param name="CutWhileSniffing">The compressed input already broke off inside the bytes read for detection.</param>
/// <param name="Gzip">For gzip input: checks at the end whether the compressed stream was complete.</param>
/// <param name="Unsupported">Set when the input is a known trace format that is not ftrace text; says what it is.</param>
internal sealed record DetectedInput(
    Stream Text, TraceFormat Format, bool Compressed, bool CutWhileSniffing = false, CheckedGzipStream? Gzip = null, string? Unsupported = null);

/// <summary>
/// Recognises the container by content, never by file name (FORMATS.md §1): gzip by its magic bytes, then
/// in the text: systrace HTML (a doctype or html tag), Android atrace (a <c>TRACE:</c> line, followed by
/// ftrace text or by a zlib stream), <c>trace-cmd report</c> (<c>cpus=</c> / <c>version =</c> preamble), the
/// kernel <c>trace</c> file ('#' header) and, for anything else, <c>trace_pipe</c> lines. trace-cmd's binary
/// <c>trace.dat</c> is recognised only to be refused with a clear message.
/// </summary>
internal static class TraceInputDetector
{
    private const int SniffBytes = 8192;

    public static DetectedInput Detect(Stream raw)
    {
        var compressed = false;
        CheckedGzipStream? gzip = null;
        var source = raw;
        var prefix = ReadPrefix(source, SniffBytes, out var cut);
        if (prefix.Length >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b)
        {
            compressed = true;
            gzip = new CheckedGzipStream(new ReplayStream(prefix, raw));
            source = gzip;
            prefix = ReadPrefix(source, SniffBytes, out cut);
        }

        if (cut)
        {
            // Nothing after the prefix can be decoded: read the prefix alone.
            source.Dispose();
            source = Stream.Null;
        }

        // The bytes after the prefix are still in 'source'; 'text' replays the prefix first.
        var text = new ReplayStream(prefix, source);

        // trace-cmd's binary file starts with 0x17 0x08 'D' "tracing" (FORMATS.md §2.1).
        if (prefix.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x17, 0x08, (byte)'D', .. "tracing"u8]))
        {
            return new DetectedInput(text, TraceFormat.Unknown, compressed, cut, gzip,
                "a binary trace-cmd trace.dat file, not ftrace text; convert it with `trace-cmd report`");
        }

        if (PerfettoDetection.LooksLikePerfetto(prefix))
        {
            return new DetectedInput(text, TraceFormat.Perfetto, compressed, cut, gzip);
        }

        var content = SkipBomAndBlanks(prefix);
        if (content.Length == 0)
        {
            return new DetectedInput(text, TraceFormat.Unknown, compressed, cut, gzip);
        }

        if (IsHtmlStart(content))
        {
            return new DetectedInput(text, TraceFormat.SystraceHtml, compressed, cut, gzip);
        }

        if (content[0] != (byte)'#' && TryFindAtracePayload(prefix, out var payloadStart))
        {
            var rest = new ReplayStream(prefix.AsMemory(payloadStart), source);
            if (IsZlibHeader(prefix.AsSpan(payloadStart)))
            {
                return new DetectedInput(new ZLibStream(rest, CompressionMode.Decompress), TraceFormat.Atrace, true, cut, gzip);
            }

            return new DetectedInput(rest, TraceFormat.Atrace, compressed, cut, gzip);
        }

        if (content.StartsWith("cpus="u8) || content.StartsWith("version ="u8))
        {
            return new DetectedInput(text, TraceFormat.TraceCmdReport, compressed, cut, gzip);
        }

        var format = content[0] == (byte)'#' ? TraceFormat.FtraceText : TraceFormat.FtracePipe;
        return new DetectedInput(text, format, compressed, cut, gzip);
    }

    private static byte[] ReadPrefix(Stream stream, int count, out bool cut)
    {
        cut = false;
        var buffer = new byte[count];
        var total = 0;
        try
        {
            while (total < count)
            {
                var read = stream.Read(buffer, total, count - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (InvalidDataException)
        {
            // A compressed stream cut (or corrupt) inside the first bytes: what was decoded is still read.
            cut = true;
        }

        return buffer.AsSpan(0, total).ToArray();
    }

    private static ReadOnlySpan<byte> SkipBomAndBlanks(ReadOnlySpan<byte> text)
    {
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            text = text[3..];
        }

        return text.TrimStart(" \t\r\n"u8);
    }

    /// <summary>atrace prints status lines, then a line "TRACE:", then the trace (PF's ctrace importer, FORMATS.md §1.7).</summary>
    private static bool TryFindAtracePayload(ReadOnlySpan<byte> prefix, out int payloadStart)
    {
        var lineStart = 0;
        while (lineStart < prefix.Length)
        {
            var newline = prefix[lineStart..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var line = prefix.Slice(lineStart, newline).TrimEnd((byte)'\r');
            if (line.SequenceEqual("TRACE:"u8))
            {
                payloadStart = lineStart + newline + 1;
                return true;
            }

            if (line.StartsWith("#"u8))
            {
                break;
            }

            lineStart += newline + 1;
        }

        payloadStart = 0;
        return false;
    }

    // Not just '<': a trace_pipe line can start with the comm "<idle>" or "<...>".
    private static bool IsHtmlStart(ReadOnlySpan<byte> content)
    {
        Span<byte> lower = stackalloc byte[Math.Min(content.Length, 9)];
        for (var i = 0; i < lower.Length; i++)
        {
            lower[i] = (byte)(content[i] | 0x20);
        }

        return lower.StartsWith("<!doctype"u8) || lower.StartsWith("<html"u8) || lower.StartsWith("<!--"u8)
            || lower.StartsWith("<head"u8) || lower.StartsWith("<script"u8);
    }

    // RFC 1950: CMF 0x78 (deflate, 32K window) and a FLG byte that makes CMF*256+FLG a multiple of 31.
    private static bool IsZlibHeader(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == 0x78 && ((data[0] << 8) | data[1]) % 31 == 0;
}
