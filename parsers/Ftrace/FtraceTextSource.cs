using System.Runtime.ExceptionServices;
using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// Reads ftrace text (kernel <c>trace</c>, <c>trace_pipe</c>, <c>trace-cmd report</c>, atrace, the ftrace
/// section of systrace HTML) into typed events, in file order. Special lines (FORMATS.md §1.4) are
/// recognised; lost-event markers become <see cref="EventKind.LostEvents"/> events. Everything it cannot
/// use is counted in <see cref="Diagnostics"/>, or thrown in strict mode.
/// </summary>
internal sealed class FtraceTextSource : ITraceEventSource, IEventSegmentSource
{
    private const string EventLineShape = "an event line \"comm-pid [cpu] flags timestamp: event: payload\" or a known special line";

    private readonly Stream _stream;
    private readonly ParseOptions _options;
    private readonly LineSplitter? _lines;
    private readonly LineBlockReader? _blockReader;
    private readonly ConcurrentBlockParser? _blocks;
    private readonly FtraceEventBuilder _builder;
    private readonly SystraceSectionFilter? _html;
    private long _lastTimestamp;
    private bool _clockKnown;
    private readonly bool _cutWhileSniffing;
    private readonly CheckedGzipStream? _gzip;
    private bool _finished;
    private readonly DecoderGuardStream? _decoder;
    private readonly string _looksLike;
    private TraceEvent[] _batch = new TraceEvent[BatchSize];
    private ArraySegment<TraceEvent> _segment;
    private int _segmentNext;
    private Exception? _pendingError;
    private long _lineNumber;
    private long _lineOffset;

    // An empty capture still has the kernel's "# tracer:" header or trace-cmd's preamble; input without any is no trace.
    private bool _sawTraceHeader;

    public FtraceTextSource(DetectedInput input, string sourceName, ParseOptions options, TextReadSettings settings)
    {
        _stream = input.Text;
        _options = options;
        _html = input.Format == TraceFormat.SystraceHtml ? new SystraceSectionFilter() : null;
        var paddedEventNames = input.Format == TraceFormat.TraceCmdReport;
        var strings = new Utf8InternTable();
        var eventNames = new Utf8InternTable();
        _builder = new FtraceEventBuilder(strings, eventNames, paddedEventNames);

        // The systrace page's sections are found line by line in order, so HTML input is parsed on one thread.
        if (settings.Workers > 0 && _html is null)
        {
            _blockReader = new LineBlockReader(input.Text, options.MaxLineBytes, settings.BlockBytes);
            _blocks = new ConcurrentBlockParser(
                _blockReader,
                () => new TextBlockParser(new FtraceEventBuilder(strings, eventNames, paddedEventNames), options.MaxLineBytes),
                settings.Workers,
                settings.BlockBytes);
        }
        else
        {
            _lines = new LineSplitter(input.Text, options.MaxLineBytes);
        }

        _cutWhileSniffing = input.CutWhileSniffing;
        _gzip = input.Gzip;
        _decoder = input.Decoder;
        _looksLike = input.LooksLike;
        Info = new TraceSourceInfo { SourceName = sourceName, Format = input.Format, Compressed = input.Compressed };
    }

    /// <summary>Events handed on per batch by the single-threaded reader.</summary>
    public const int BatchSize = 4096;

    public TraceSourceInfo Info { get; }

    public TraceDiagnostics Diagnostics { get; } = new();

    public bool ParsesAhead => _blocks is not null;

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (_segmentNext == _segment.Count)
        {
            _segment = ReadSegment();
            _segmentNext = 0;
            if (_segment.Count == 0)
            {
                traceEvent = default;
                return false;
            }
        }

        traceEvent = _segment.Array![_segment.Offset + _segmentNext++];
        return true;
    }

    public ArraySegment<TraceEvent> ReadSegment()
    {
        if (_pendingError is { } error)
        {
            _pendingError = null;
            ExceptionDispatchInfo.Capture(error).Throw();
        }

        if (_finished)
        {
            return ArraySegment<TraceEvent>.Empty;
        }

        return _blocks is null ? ReadLines() : ReadBlocks();
    }

    public void CancelPendingRead() => _blocks?.CancelWaits();

    public void Dispose()
    {
        _blocks?.Dispose();
        _stream.Dispose();
    }

    private ArraySegment<TraceEvent> ReadLines()
    {
        var count = 0;
        try
        {
            while (count < _batch.Length)
            {
                var status = _lines!.Next(out var line);
                _lineNumber = _lines.LineNumber;
                _lineOffset = _lines.LineOffset;
                Diagnostics.LinesRead = _lineNumber;
                Diagnostics.BytesRead = _lines.BytesRead;
                if (status == LineStatus.End)
                {
                    Finish(_lines.EndedInsideLine || _lines.CompressedStreamBroken);
                    break;
                }

                if (status == LineStatus.TooLong)
                {
                    if (_html is null || _html.InFtraceSection)
                    {
                        SkipTooLong();
                    }

                    continue;
                }

                if (_html is not null && !_html.TakeFtraceLine(ref line))
                {
                    continue;
                }

                if (TryParseLine(line, out _batch[count]))
                {
                    Diagnostics.EventsRead++;
                    count++;
                }
            }
        }
        catch (Exception exception) when (count > 0)
        {
            // Thrown at the next call, after the events before it, where a reader of single events would meet it.
            _pendingError = exception;
            _finished = true;
        }

        return new ArraySegment<TraceEvent>(_batch, 0, count);
    }

    private ArraySegment<TraceEvent> ReadBlocks()
    {
        while (true)
        {
            var block = _blocks!.Next();
            if (block.Error is { } error)
            {
                _finished = true;
                ExceptionDispatchInfo.Capture(error).Throw();
            }

            Diagnostics.BytesRead = _blockReader!.BytesRead;
            switch (block.Kind)
            {
                case TextBlockKind.End:
                    Finish(_blockReader.EndedInsideLine || _blockReader.CompressedStreamBroken);
                    return ArraySegment<TraceEvent>.Empty;
                case TextBlockKind.TooLongLine:
                    _lineNumber++;
                    _lineOffset = block.Offset;
                    Diagnostics.LinesRead = _lineNumber;
                    SkipTooLong();
                    continue;
            }

            var events = block.Deferred.Count == 0 ? TakeParsed(block) : MergeDeferred(block);
            if (events.Count > 0)
            {
                return events;
            }
        }
    }

    /// <summary>A block whose every line was an event or needed nothing in order: its events are handed on in place.</summary>
    private ArraySegment<TraceEvent> TakeParsed(TextBlock block)
    {
        NoteParsedEvents(block, 0, block.EventCount);
        _lineNumber += block.LineCount;
        Diagnostics.LinesRead = _lineNumber;
        return new ArraySegment<TraceEvent>(block.Events, 0, block.EventCount);
    }

    /// <summary>Parses the block's deferred lines in order, as a single-threaded read would, between its parsed events.</summary>
    private ArraySegment<TraceEvent> MergeDeferred(TextBlock block)
    {
        if (_batch.Length < block.EventCount + block.Deferred.Count)
        {
            _batch = new TraceEvent[block.EventCount + block.Deferred.Count];
        }

        var firstLine = _lineNumber;
        var count = 0;
        var taken = 0;
        try
        {
            foreach (var deferred in block.Deferred)
            {
                count = CopyParsed(block, taken, deferred.EventIndex, count);
                taken = deferred.EventIndex;
                _lineNumber = firstLine + deferred.LineIndex + 1;
                _lineOffset = block.Offset + deferred.Start;
                Diagnostics.LinesRead = _lineNumber;
                if (deferred.TooLong)
                {
                    SkipTooLong();
                }
                else if (TryParseLine(block.Buffer.AsSpan(deferred.Start, deferred.Length), out _batch[count]))
                {
                    Diagnostics.EventsRead++;
                    count++;
                }
            }
        }
        catch (Exception exception) when (count > 0)
        {
            _pendingError = exception;
            _finished = true;
            return new ArraySegment<TraceEvent>(_batch, 0, count);
        }

        count = CopyParsed(block, taken, block.EventCount, count);
        _lineNumber = firstLine + block.LineCount;
        Diagnostics.LinesRead = _lineNumber;
        return new ArraySegment<TraceEvent>(_batch, 0, count);
    }

    private int CopyParsed(TextBlock block, int from, int to, int count)
    {
        block.Events.AsSpan(from, to - from).CopyTo(_batch.AsSpan(count));
        NoteParsedEvents(block, from, to);
        return count + (to - from);
    }

    /// <summary>What the ordered pass learns from events parsed on a worker: the clock, and the timestamp a lost-events marker takes.</summary>
    private void NoteParsedEvents(TextBlock block, int from, int to)
    {
        if (to == from)
        {
            return;
        }

        if (!_clockKnown)
        {
            _clockKnown = true;
            Info.Clock = block.FirstEventRawTimestamp ? TraceClockKind.Ticks : TraceClockKind.Nanoseconds;
        }

        _lastTimestamp = block.Events[to - 1].Timestamp;
        Diagnostics.EventsRead += to - from;
    }

    private void Finish(bool endedInsideLine)
    {
        _finished = true;
        Diagnostics.Truncated = endedInsideLine || _cutWhileSniffing || (_gzip is not null && _gzip.WasCut());
        Diagnostics.InputDamage = _gzip?.Damage ?? _decoder?.Damage;
        Diagnostics.Truncated |= _decoder?.Damage is not null;
        if (Diagnostics.EventsRead == 0 && Diagnostics.LostEventMarkers == 0 && !_sawTraceHeader)
        {
            throw TraceFormatException.NotATrace(Info.SourceName, Diagnostics.InputDamage is { } damage ? $"{_looksLike}, and {damage}"
                : Diagnostics.Truncated ? $"{_looksLike}, cut short inside a line or a compressed stream"
                : _looksLike);
        }
    }

    private void SkipTooLong() => Skip(default, $"line longer than {_options.MaxLineBytes} bytes (ParseOptions.MaxLineBytes)");

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

        if (_builder.TryBuild(line, parsed, out traceEvent, out var name, out var kind))
        {
            return;
        }

        Diagnostics.MalformedPayloads++;
        if (_options.Strict)
        {
            throw Error($"{name} payload does not match \"{EventPayloadParser.ExpectedFormat(kind)}\"");
        }
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
        Diagnostics.AddUnparsedLine(_lineNumber, _lineOffset, reason, sample);
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
        new(Info.SourceName, _lineNumber, _lineOffset, problem);
}
