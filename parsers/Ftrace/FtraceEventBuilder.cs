using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// Turns one tokenized event line into a typed event: interns the comm and event name and parses the payload.
/// Each parsing thread has its own builder; their intern tables are caches of one shared pair
/// (<paramref name="sharedStrings"/>, <paramref name="sharedEventNames"/>), so all threads give out the same strings.
/// </summary>
internal sealed class FtraceEventBuilder(Utf8InternTable sharedStrings, Utf8InternTable sharedEventNames, bool paddedEventNames)
{
    private static readonly Func<string, int> KindOfName = name => (int)EventNames.KindOf(name);

    private readonly Utf8InternTable _strings = new(sharedStrings);
    private readonly RecentEventNames _eventNames = new(new Utf8InternTable(sharedEventNames), KindOfName);
    private readonly byte[] _lastCommBytes = new byte[64];
    private int _lastCommLength;
    private string? _lastComm;

    /// <summary>
    /// False when the payload does not match its event's format: <paramref name="traceEvent"/> is then the line kept
    /// as a generic event, and <paramref name="name"/> and <paramref name="kind"/> say what it should have been.
    /// </summary>
    public bool TryBuild(ReadOnlySpan<byte> line, in EventLine parsed, out TraceEvent traceEvent, out string name, out EventKind kind)
    {
        var comm = InternComm(line.Slice(parsed.CommStart, parsed.CommLength));
        name = _eventNames.Lookup(line.Slice(parsed.NameStart, parsed.NameLength), out kind);
        var header = new EventHeader(parsed.Timestamp, parsed.Cpu, parsed.Pid, parsed.Tgid, comm);
        var payload = line[parsed.PayloadStart..];
        if (paddedEventNames)
        {
            payload = payload.TrimStart((byte)' ');
        }

        if (kind == EventKind.Generic)
        {
            traceEvent = TraceEvent.ForGeneric(header, name, Encoding.UTF8.GetString(payload));
            return true;
        }

        if (kind == EventKind.TracingMark)
        {
            traceEvent = TraceEvent.ForTracingMark(header, name, Encoding.UTF8.GetString(payload));
            return true;
        }

        if (EventPayloadParser.TryParse(kind, header, payload, _strings, out traceEvent))
        {
            return true;
        }

        traceEvent = TraceEvent.ForGeneric(header, name, Encoding.UTF8.GetString(payload));
        return false;
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
}
