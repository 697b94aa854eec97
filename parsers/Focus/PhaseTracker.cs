using BinderTrace.Events;

namespace BinderTrace.Focus;

/// <summary>One named span between phase markers; <see cref="EndNs"/> is -1 while (or when the trace ends) still open.</summary>
public readonly record struct PhaseSpan(string Name, long StartNs, long EndNs);

/// <summary>
/// Follows the phase spans that userspace writes into trace_marker, in the two forms real traces carry:
/// <c>… phase NAME begin</c> / <c>… phase NAME end</c> (the shared captures' <c>binder_wl: phase A-warmup begin</c>)
/// and Android atrace slices <c>B|pid|NAME</c> … <c>E|pid</c> (or a bare <c>E</c>), which close the innermost
/// open slice of that pid (FORMATS.md §1.7). Other marker text is ignored.
/// </summary>
public sealed class PhaseTracker
{
    /// <summary>Spans kept for listing; a trace that writes more keeps following them but lists only the first ones.</summary>
    public const int MaxListedSpans = 1024;

    private readonly Dictionary<string, int> _openByName = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Stack<string>> _atraceSlices = [];
    private readonly List<PhaseSpan> _spans = [];
    private readonly List<string> _names = [];

    /// <summary>Every span seen, in order of beginning (up to <see cref="MaxListedSpans"/>); open ones end at -1.</summary>
    public IReadOnlyList<PhaseSpan> Spans => _spans;

    /// <summary>Distinct phase names, in order of first appearance.</summary>
    public IReadOnlyList<string> Names => _names;

    public bool IsOpen(string name) => _openByName.GetValueOrDefault(name) > 0;

    /// <summary>Names open right now (a name opened twice counts once).</summary>
    public IEnumerable<string> OpenNames => _openByName.Where(p => p.Value > 0).Select(p => p.Key);

    /// <summary>Feeds one event; only <see cref="EventKind.TracingMark"/> events can open or close spans. Returns true when the marker was a phase marker.</summary>
    public bool OnEvent(in TraceEvent e)
    {
        if (e.Kind != EventKind.TracingMark || e.Text is not { } text)
        {
            return false;
        }

        var marker = text.TrimEnd('\n', '\0', '\r', ' ');
        if (TryParseAtrace(marker, e, out var begin, out var name))
        {
            if (begin)
            {
                Open(name!, e.Timestamp);
            }
            else if (name is not null)
            {
                Close(name, e.Timestamp);
            }

            return true;
        }

        if (TryParsePhaseWords(marker, out begin, out name))
        {
            if (begin)
            {
                Open(name, e.Timestamp);
            }
            else
            {
                Close(name, e.Timestamp);
            }

            return true;
        }

        return false;
    }

    private void Open(string name, long timestamp)
    {
        _openByName[name] = _openByName.GetValueOrDefault(name) + 1;
        if (!_names.Contains(name))
        {
            _names.Add(name);
        }

        if (_spans.Count < MaxListedSpans)
        {
            _spans.Add(new PhaseSpan(name, timestamp, -1));
        }
    }

    private void Close(string name, long timestamp)
    {
        if (_openByName.GetValueOrDefault(name) <= 0)
        {
            return;
        }

        _openByName[name]--;
        var index = _spans.FindLastIndex(s => s.Name == name && s.EndNs < 0);
        if (index >= 0)
        {
            _spans[index] = _spans[index] with { EndNs = timestamp };
        }
    }

    /// <summary><c>[prefix ]phase NAME begin|end</c>: the word <c>phase</c>, one name token, then begin or end at the very end.</summary>
    private static bool TryParsePhaseWords(string marker, out bool begin, out string name)
    {
        begin = false;
        name = "";
        var words = marker.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 3 || words[^3] != "phase" || words[^1] is not ("begin" or "end"))
        {
            return false;
        }

        begin = words[^1] == "begin";
        name = words[^2];
        return true;
    }

    /// <summary>atrace <c>B|pid|name</c> and <c>E|pid</c> / <c>E</c>; an end gives the name of the slice it closes, or null when none was open.</summary>
    private bool TryParseAtrace(string marker, in TraceEvent e, out bool begin, out string? name)
    {
        begin = false;
        name = null;
        if (marker.Length == 0 || (marker[0] != 'B' && marker[0] != 'E') || (marker.Length > 1 && marker[1] != '|'))
        {
            return false;
        }

        var fields = marker.Split('|');
        var pid = fields.Length > 1 && int.TryParse(fields[1], out var p) ? p : (e.Tgid > 0 ? e.Tgid : e.Pid);
        if (marker[0] == 'B')
        {
            if (fields.Length < 3 || fields[2].Length == 0)
            {
                return false;
            }

            begin = true;
            name = fields[2];
            if (!_atraceSlices.TryGetValue(pid, out var stack))
            {
                stack = new Stack<string>();
                _atraceSlices[pid] = stack;
            }

            stack.Push(name);
            return true;
        }

        if (_atraceSlices.TryGetValue(pid, out var open) && open.Count > 0)
        {
            name = open.Pop();
        }

        return true;
    }
}
