using System.Text;
using BinderTrace.Events;

namespace BinderTrace.Parsers;

/// <summary>
/// Reads ftrace text (kernel <c>trace</c>, <c>trace_pipe</c>, <c>trace-cmd report</c>, atrace, the ftrace
/// section of systrace HTML) into typed events, in file order. Special lines (FORMATS.md §1.4) are
/// recognised; lost-event markers become <see cref="EventKind.LostEvents"/> events. Everything it cannot
/// use is counted in <see cref="Diagnostics"/>, or thrown in strict mode.
/// </summary>
internal sealed class FtraceTextSource : ITraceEventSource
{
    private const string EventLineShape = "an event line \"comm-pid [cpu] flags timestamp: event: payload\" or a known special line";

    private static readonly Func<string, int> KindOfName = name => (int)EventNames.KindOf(name);

    private readonly Stream _stream;
    private readonly ParseOptions _options;
    private readonly LineSplitter _lines;
    private readonly Utf8InternTable _strings = new();
    private readonly Utf8InternTable _eventNames = new();
    private readonly SystraceSectionFilter? _html;
    private readonly bool _paddedEventNames;
    private readonly byte[] _lastCommBytes = new byte[64];
    private int _lastCommLength;
    private string? _lastComm;
    private long _lastTimestamp;
    private bool _clockKnown;
    private readonly bool _cutWhileSniffing;
    private readonly CheckedGzipStream? _gzip;
    private bool _finished;
    private readonly DecoderGuardStream? _decoder;
    private readonly string _looksLike;

    // An empty capture still has the kernel's "# tracer:" header or trace-cmd's preamble; input without any is no trace.
    private bool _sawTraceHeader;

    public FtraceTextSource(DetectedInput input, string sourceName, ParseOptions options)
    {
        _stream = input.Text;
        _options = options;
        _lines = new LineSplitter(input.Text, options.MaxLineBytes);
        _html = input.Format == TraceFormat.SystraceHtml ? new SystraceSectionFilter() : null;
        _paddedEventNames = input.Format == TraceFormat.TraceCmdReport;
        _cutWhileSniffing = input.CutWhileSniffing;
        _gzip = input.Gzip;
        _decoder = input.Decoder;
        _looksLike = input.LooksLike;
        Info = new TraceSourceInfo { SourceName = sourceName, Format = input.Format, Compressed = input.Compressed };
    }

    public TraceSourceInfo Info { get; }

    public TraceDiagnostics Diagnostics { get; } = new();

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (!_finished)
        {
            var status = _lines.Next(out var line);
            Diagnostics.LinesRead = _lines.LineNumber;
            Diagnostics.BytesRead = _lines.BytesRead;
            if (status == LineStatus.End)
            {
                _finished = true;
                Diagnostics.Truncated = _lines.EndedInsideLine || _lines.CompressedStreamBroken || _cutWhileSniffing
                    || (_gzip is not null && _gzip.WasCut());
                Diagnostics.InputDamage = _gzip?.Damage ?? _decoder?.Damage;
                Diagnostics.Truncated |= _decoder?.Damage is not null;
                if (Diagnostics.EventsRead == 0 && Diagnostics.LostEventMarkers == 0 && !_sawTraceHeader)
                {
                    throw TraceFormatException.NotATrace(Info.SourceName, Diagnostics.InputDamage is { } damage ? $"{_looksLike}, and {damage}"
                        : Diagnostics.Truncated ? $"{_looksLike}, cut short inside a line or a compressed stream"
                        : _looksLike);
                }
                break;
            }

            if (status == LineStatus.TooLong)
            {
                if (_html is null || _html.InFtraceSection)
                {
                    Skip(default, $"line longer than {_options.MaxLineBytes} bytes (ParseOptions.MaxLineBytes)");
                }

                continue;
            }

            if (_html is not null && !_html.TakeFtraceLine(ref line))
            {
                continue;
            }

            if (TryParseLine(line, out traceEvent))
            {
                Diagnostics.EventsRead++;
                return true;
            }
        }

        traceEvent = default;
        return false;
    }

    public void Dispose() => _stream.Dispose();

    private bool TryParseLine(ReadOnlySpan<byte> line, out TraceEvent traceEvent)
    {
        traceEvent = default;
        if (line.IsEmpty)
        {
            return false;
        }

        switch (line[0])
        {
            case (byte)'#':
                ReadHeaderComment(line);
                return false;
            case (byte)'C' when line.StartsWith("CPU"u8):
                if (TryReadCpuMarker(line, out traceEvent, out var isEvent))
                {
                    _sawTraceHeader = true;
                    return isEvent;
                }

                break;
            case (byte)'c' when line.StartsWith("cpus="u8):
                if (AsciiNumbers.TryParseInt32(line["cpus="u8.Length..].TrimEnd(" \t"u8), out var cpus))
                {
                    Info.HeaderCpuCount = cpus;
                    _sawTraceHeader = true;
                    return false;
                }

                break;
            case (byte)'v' when line.StartsWith("version ="u8):
                _sawTraceHeader = true;
                return false;
        }

        if (!EventLineTokenizer.TryParse(line, out var parsed))
        {
            if (line.IndexOfAnyExcept(" \t"u8) >= 0)
            {
                Skip(line, "expected " + EventLineShape);
            }

            return false;
        }

        BuildEvent(line, parsed, out traceEvent);
        _lastTimestamp = parsed.Timestamp;
        return true;
    }

    private void BuildEvent(ReadOnlySpan<byte> line, in EventLine parsed, out TraceEvent traceEvent)
    {
        if (!_clockKnown)
        {
            _clockKnown = true;
            Info.Clock = parsed.RawTimestamp ? TraceClockKind.Ticks : TraceClockKind.Nanoseconds;
        }

        var comm = InternComm(line.Slice(parsed.CommStart, parsed.CommLength));
        var name = _eventNames.Intern(line.Slice(parsed.NameStart, parsed.NameLength), out var tag, KindOfName);
        var kind = (EventKind)tag;
        var header = new EventHeader(parsed.Timestamp, parsed.Cpu, parsed.Pid, parsed.Tgid, comm);
        var payload = line[parsed.PayloadStart..];
        if (_paddedEventNames)
        {
            payload = payload.TrimStart((byte)' ');
        }

        if (kind == EventKind.Generic)
        {
            traceEvent = TraceEvent.ForGeneric(header, name, Encoding.UTF8.GetString(payload));
            return;
        }

        if (kind == EventKind.TracingMark)
        {
            traceEvent = TraceEvent.ForTracingMark(header, name, Encoding.UTF8.GetString(payload));
            return;
        }

        if (EventPayloadParser.TryParse(kind, header, payload, _strings, out traceEvent))
        {
            return;
        }

        Diagnostics.MalformedPayloads++;
        if (_options.Strict)
        {
            throw Error($"{name} payload does not match \"{EventPayloadParser.ExpectedFormat(kind)}\"");
        }

        traceEvent = TraceEvent.ForGeneric(header, name, Encoding.UTF8.GetString(payload));
    }

    // Runs of lines from one task are common: comparing with the previous comm is cheaper than a lookup.
    private string InternComm(ReadOnlySpan<byte> utf8)
    {
        if (_lastComm is not null && utf8.SequenceEqual(_lastCommBytes.AsSpan(0, _lastCommLength)))
        {
            return _lastComm;
        }

        var comm = _strings.Intern(utf8);
        if (utf8.Length <= _lastCommBytes.Length)
        {
            utf8.CopyTo(_lastCommBytes);
            _lastCommLength = utf8.Length;
            _lastComm = comm;
        }

        return comm;
    }

    /// <summary>
    /// <c>CPU:N [LOST M EVENTS]</c> and <c>CPU:N [LOST EVENTS]</c> (kernel; a loss it could not count), <c>CPU:N [M EVENTS DROPPED]</c> / <c>CPU:N [EVENTS DROPPED]</c> /
    /// <c>CPU:N [SUBBUFFER START]</c> (trace-cmd) and trace-cmd's <c>CPU N is empty</c>. The lost-events marker
    /// gets the previous line's timestamp: the kernel prints it in time order, just before that CPU's next event.
    /// </summary>
    private bool TryReadCpuMarker(ReadOnlySpan<byte> line, out TraceEvent marker, out bool isEvent)
    {
        marker = default;
        isEvent = false;
        line = line.TrimEnd(" \t"u8);
        if (line.StartsWith("CPU "u8))
        {
            var rest = line[4..];
            var space = rest.IndexOf((byte)' ');
            return space > 0 && AsciiNumbers.TryParseInt32(rest[..space], out _) && rest[space..].SequenceEqual(" is empty"u8);
        }

        var open = line.IndexOf(" ["u8);
        if (!line.StartsWith("CPU:"u8) || open < 0 || line[^1] != (byte)']'
            || !AsciiNumbers.TryParseInt32(line[4..open], out var cpu) || cpu < 0)
        {
            return false;
        }

        var body = line[(open + 2)..^1];
        long count;
        if (body.SequenceEqual("SUBBUFFER START"u8))
        {
            return true;
        }

        if (body.SequenceEqual("EVENTS DROPPED"u8) || body.SequenceEqual("LOST EVENTS"u8))
        {
            count = -1;
        }
        else if (body.Length > 12 && body.StartsWith("LOST "u8) && body.EndsWith(" EVENTS"u8))
        {
            if (!TryParseLostCount(body[5..^7], out count))
            {
                return false;
            }
        }
        else if (body.Length <= 15 || !body.EndsWith(" EVENTS DROPPED"u8) || !TryParseLostCount(body[..^15], out count))
        {
            return false;
        }

        Diagnostics.AddLostEvents(cpu, count);
        marker = TraceEvent.ForLostEvents(new EventHeader(_lastTimestamp, cpu, -1, -1, ""), count);
        isEvent = true;
        return true;
    }

    /// <summary>The kernel prints an unsigned long: a sign is damage, and a count past 2^63-1 is kept as that (saturated).</summary>
    private static bool TryParseLostCount(ReadOnlySpan<byte> digits, out long count)
    {
        count = 0;
        if (digits.IsEmpty || !char.IsAsciiDigit((char)digits[0]) || !AsciiNumbers.TryParseUInt64(digits, out var value))
        {
            return false;
        }

        count = value > long.MaxValue ? long.MaxValue : (long)value;
        return true;
    }

    private void ReadHeaderComment(ReadOnlySpan<byte> line)
    {
        // "# bindertrace simulate: design=page-write kernel=6.12.107 …": the reference allocator's label survives the text round trip.
        if (line.StartsWith("# bindertrace simulate: "u8))
        {
            var kernel = line.IndexOf(" kernel="u8);
            if (kernel > 0)
            {
                var value = line[(kernel + " kernel=".Length)..];
                var end = value.IndexOf((byte)' ');
                Info.Kernel = Encoding.UTF8.GetString(end < 0 ? value.TrimEnd("\r"u8) : value[..end]);
            }

            return;
        }

        _sawTraceHeader |= line.StartsWith("# tracer:"u8);
        var at = line.IndexOf("#P:"u8);
        if (at > 0 && AsciiNumbers.TryParseInt32(line[(at + 3)..].TrimEnd(" \t"u8), out var cpus))
        {
            Info.HeaderCpuCount = cpus;
        }
    }

    private void Skip(ReadOnlySpan<byte> line, string reason)
    {
        if (_options.Strict)
        {
            throw Error(reason);
        }

        var sample = Diagnostics.SkippedSamples.Count < TraceDiagnostics.MaxSkippedSamples
            ? Printable(Encoding.UTF8.GetString(line[..Math.Min(line.Length, 200)]))
            : "";
        Diagnostics.AddUnparsedLine(_lines.LineNumber, _lines.LineOffset, reason, sample);
    }

    /// <summary>Samples are shown on terminals: control characters (escape sequences) become '?'.</summary>
    private static string Printable(string text) =>
        text.AsSpan().IndexOfAnyInRange('\0', '\x1f') < 0 && !text.Contains('\x7f', StringComparison.Ordinal)
            ? text
            : string.Create(text.Length, text, static (chars, source) =>
            {
                for (var i = 0; i < chars.Length; i++)
                {
                    chars[i] = char.IsControl(source[i]) && source[i] != '\t' ? '?' : source[i];
                }
            });

    private TraceFormatException Error(string problem) =>
        new(Info.SourceName, _lines.LineNumber, _lines.LineOffset, problem);
}
