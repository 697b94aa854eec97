using System.Globalization;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Pipeline;

/// <summary>
/// The focus stage of a pass: keeps only the events inside a <see cref="TraceFocus"/>, within the time window
/// (measured from the first event) and, with a phase, while a span of that name is open (its begin and end markers
/// included). Consumers see a shorter trace, so operations cut by the window's edges are counted as unmatched
/// there, the same as at a capture's edges. A focus that matched nothing is an error naming what the trace has.
/// </summary>
internal sealed class FocusFilter(TraceFocus focus)
{
    private readonly PhaseTracker _phases = new();
    private long _first = -1;
    private long _last = -1;
    private long _kept;

    /// <summary>Copies the events of <paramref name="batch"/> inside the focus to <paramref name="kept"/> (at least as long) and returns how many.</summary>
    public int Filter(ReadOnlySpan<TraceEvent> batch, Span<TraceEvent> kept)
    {
        var count = 0;
        foreach (ref readonly var e in batch)
        {
            if (_first < 0)
            {
                _first = e.Timestamp;
            }

            _last = e.Timestamp;
            var wasOpen = focus.Phase is { } phase && _phases.IsOpen(phase);
            _phases.OnEvent(e);
            if (Inside(e, wasOpen))
            {
                kept[count++] = e;
            }
        }

        _kept += count;
        return count;
    }

    /// <summary>At the end of the trace: throws <see cref="TraceFocusException"/> when the trace had events and none was inside.</summary>
    public void Finish(string sourceName)
    {
        if (_first >= 0 && _kept == 0)
        {
            throw new TraceFocusException(NothingMatched(sourceName));
        }
    }

    private bool Inside(in TraceEvent e, bool phaseWasOpen)
    {
        if (focus.Window is { } window && !window.Contains(e.Timestamp - _first))
        {
            return false;
        }

        return focus.Phase is not { } phase || phaseWasOpen || _phases.IsOpen(phase);
    }

    private string NothingMatched(string name)
    {
        var span = string.Create(CultureInfo.InvariantCulture, $"its events span 0s..{(_last - _first) / 1e9:0.000###}s from the first one");
        if (focus.Phase is { } phase && !_phases.Names.Contains(phase))
        {
            var known = _phases.Names.Count == 0
                ? "it has no phase markers ('… phase NAME begin/end' or atrace 'B|pid|NAME' … 'E')"
                : $"its phases are: {string.Join(", ", _phases.Names)}";
            return $"{name}: no phase '{phase}': {known}";
        }

        return $"{name}: nothing inside {focus}: {span}";
    }
}
