using System.IO.Compression;
using BinderTrace.Events;
using BinderTrace.Parsers.Input;
using BinderTrace.Parsers.Perfetto;

namespace BinderTrace.Parsers;

/// <summary>
/// Recognises the container by content, never by file name (FORMATS.md §1): gzip by its magic bytes, then
/// in the text: systrace HTML (a doctype or html tag), Android atrace (a <c>TRACE:</c> line, followed by
/// ftrace text or by a zlib stream), <c>trace-cmd report</c> (<c>cpus=</c> / <c>version =</c> preamble), the
/// kernel <c>trace</c> file ('#' header) and, for anything else, <c>trace_pipe</c> lines. trace-cmd's binary
/// <c>trace.dat</c> is recognised by its magic bytes and read by <see cref="TraceDat.TraceDatSource"/>.
/// </summary>
internal static class TraceInputDetector
{
    private const int SniffBytes = 8192;

    public static DetectedInput Detect(Stream raw)
    {
        var input = DetectContainer(raw, out var prefix, out var guard);
        var looksLike = DescribeContent(prefix, out var notText);
        // atrace may carry a zlib stream after its "TRACE:" line: binary bytes that are a trace.
        return input with { Decoder = guard, LooksLike = looksLike, NotText = notText && input.Format != TraceFormat.Atrace };
    }

    private static DetectedInput DetectContainer(Stream raw, out byte[] prefix, out DecoderGuardStream? guard)
    {
        var compressed = false;
        CheckedGzipStream? gzip = null;
        guard = null;
        var source = raw;
        prefix = ReadPrefix(source, SniffBytes, out var cut);
        if (prefix.Length >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b)
        {
            compressed = true;
            gzip = new CheckedGzipStream(new ReplayStream(prefix, raw));
            source = gzip;
            prefix = ReadPrefix(source, SniffBytes, out cut);
        }
        else if (OpenZstdOrXz(prefix, raw) is { } decoder)
        {
            compressed = true;
            guard = decoder;
            source = decoder;
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
            return new DetectedInput(text, TraceFormat.TraceDat, compressed, cut, gzip);
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

    /// <summary>zstd (RFC 8878 frame magic 28 B5 2F FD) and xz (FD 37 7A 58 5A 00) compressed text, read as gzip is.</summary>
    private static DecoderGuardStream? OpenZstdOrXz(byte[] prefix, Stream raw)
    {
        if (prefix.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            return new DecoderGuardStream(new ZstdSharp.DecompressionStream(new ReplayStream(prefix, raw), leaveOpen: false), "zstd");
        }

        if (prefix.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00]))
        {
            return new DecoderGuardStream(new SharpCompress.Compressors.Xz.XZStream(new PositionCountingStream(new ReplayStream(prefix, raw))), "xz");
        }

        return null;
    }

    /// <summary>
    /// What the (decompressed) start of the input looks like, for the message when it holds no trace. Formats
    /// that are certainly not text are <paramref name="notText"/>: refused at once, so raw bytes never reach a
    /// terminal as "unparsed line" samples.
    /// </summary>
    private static string DescribeContent(ReadOnlySpan<byte> prefix, out bool notText)
    {
        notText = true;
        ReadOnlySpan<(byte[] Magic, string Name)> binaries =
        [
            ([0x7F, (byte)'E', (byte)'L', (byte)'F'], "an ELF binary"),
            ([(byte)'P', (byte)'K', 0x03, 0x04], "a zip archive"),
            ([(byte)'%', (byte)'P', (byte)'D', (byte)'F'], "a PDF document"),
            ([0x89, (byte)'P', (byte)'N', (byte)'G'], "a PNG image"),
            ([(byte)'B', (byte)'Z', (byte)'h'], "bzip2-compressed data (decompress it first)"),
            ([0x04, 0x22, 0x4D, 0x18], "lz4-compressed data (decompress it first)"),
        ];
        foreach (var (magic, name) in binaries)
        {
            if (prefix.StartsWith(magic))
            {
                return name;
            }
        }

        if (prefix.IndexOf((byte)0) >= 0)
        {
            return "binary data (it holds NUL bytes)";
        }

        notText = false;
        var content = SkipBomAndBlanks(prefix);
        if (content.IsEmpty)
        {
            return prefix.IsEmpty ? "empty" : "blank";
        }

        if (content[0] is (byte)'{' or (byte)'[')
        {
            return content.IndexOf("\"traceEvents\""u8) >= 0 ? "a Chrome JSON trace, not ftrace text"
                : content.IndexOf("\"gates\""u8) >= 0 ? "a JSON gate file"
                : content.IndexOf("\"mmap_lock\""u8) >= 0 ? "a JSON report document"
                : "a JSON document";
        }

        return "text without ftrace event lines";
    }

    // RFC 1950: CMF 0x78 (deflate, 32K window) and a FLG byte that makes CMF*256+FLG a multiple of 31.
    private static bool IsZlibHeader(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == 0x78 && ((data[0] << 8) | data[1]) % 31 == 0;
}
