using System.Globalization;
using BinderTrace.Events;

namespace BinderTrace.Focus;

/// <summary>
/// Passes on only the events inside a <see cref="TraceFocus"/>: within the time window (measured from the first
/// event) and, with a phase, while a span of that name is open (its begin and end markers included). Trackers
/// downstream see a shorter trace, so operations cut by the window's edges are counted as unmatched there, the
/// same as at a capture's edges. At the end, a focus that matched nothing is an error naming what the trace has.
/// </summary>
public sealed class FocusedEventSource(ITraceEventSource inner, TraceFocus focus) : ITraceEventSource
{
    private readonly PhaseTracker _phases = new();
    private long _first = -1;
    private long _last = -1;
    private long _passed;

    public TraceSourceInfo Info => inner.Info;

    public TraceDiagnostics Diagnostics => inner.Diagnostics;

    /// <summary>Phases the trace marked so far.</summary>
    public PhaseTracker Phases => _phases;

    /// <summary>Events read from the trace that were outside the focus.</summary>
    public long EventsOutside { get; private set; }

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (inner.TryRead(out traceEvent))
        {
            if (_first < 0)
            {
                _first = traceEvent.Timestamp;
            }

            _last = traceEvent.Timestamp;
            var wasOpen = focus.Phase is { } phase && _phases.IsOpen(phase);
            _phases.OnEvent(traceEvent);
            if (Inside(traceEvent, wasOpen))
            {
                _passed++;
                return true;
            }

            EventsOutside++;
        }

        if (_first >= 0 && _passed == 0)
        {
            throw new TraceFocusException(NothingMatched());
        }

        return false;
    }

    public void Dispose() => inner.Dispose();

    private bool Inside(in TraceEvent e, bool phaseWasOpen)
    {
        if (focus.Window is { } window && !window.Contains(e.Timestamp - _first))
        {
            return false;
        }

        return focus.Phase is not { } phase || phaseWasOpen || _phases.IsOpen(phase);
    }

    private string NothingMatched()
    {
        var name = inner.Info.SourceName;
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
