using BinderTrace.Analysis.Records;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Analysis.Reporting;

/// <summary>The analysis of one marked phase: the events between its begin and end markers, each span of that name together.</summary>
public sealed record PhaseReport(string Name, IReadOnlyList<PhaseSpan> Spans, TraceReport Report)
{
    /// <summary>Time inside the phase's spans (an unclosed span counts up to the trace's last event).</summary>
    public long DurationNs(long traceEndNs) => Spans.Sum(s => (s.EndNs < 0 ? traceEndNs : s.EndNs) - s.StartNs);
}

/// <summary>
/// Runs one more analysis per phase name while its spans are open, in the same pass, so that the report can show
/// each phase's headline numbers exactly as <c>--phase NAME</c> would (same events, same trackers). At most
/// <see cref="MaxPhases"/> names are broken down; later ones are counted and skipped. It shares no state with the
/// whole-trace analysis that owns it, so it can consume the pass on a thread of its own
/// (<see cref="TraceAnalyzer.DetachPhaseBreakdown"/>); its owner finishes it.
/// </summary>
internal sealed class PhaseBreakdown(AnalysisOptions options) : ITraceEventConsumer
{
    public const int MaxPhases = 32;

    private readonly PhaseTracker _phases = new();
    private readonly Dictionary<string, TraceAnalyzer> _analyzers = new(StringComparer.Ordinal);
    private readonly AnalysisOptions _phaseOptions = options with { PhaseBreakdown = false, RefuseUnknownProc = false };

    // The analyzers of the phases open now, and how many open phases are past the limit: recomputed at markers only,
    // because asking the tracker per event (a query over its names) cost more than the phases' analysis itself.
    private readonly List<TraceAnalyzer> _open = [];
    private int _openPastLimit;

    // Counted here, not in the owner's counters, which the owner may be updating on another thread meanwhile.
    private long _notBrokenDown;

    /// <summary>One event, while the owner analyses it too (it stays in cache for both).</summary>
    public void OnEvent(in TraceEvent e)
    {
        if (e.Kind == EventKind.TracingMark)
        {
            OnMarker(e);
            return;
        }

        foreach (var analyzer in _open)
        {
            analyzer.OnEvent(e);
        }

        _notBrokenDown += _openPastLimit;
    }

    /// <summary>On a lane of its own: the events between markers go to the open phases' analyzers a run at a time.</summary>
    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        var runStart = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            if (batch[i].Kind == EventKind.TracingMark)
            {
                OnRun(batch[runStart..i]);
                OnMarker(batch[i]);
                runStart = i + 1;
            }
        }

        OnRun(batch[runStart..]);
    }

    /// <summary>Nothing to do: the owner's <see cref="Finish"/> builds the phase reports with its own report.</summary>
    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
    }

    public List<PhaseReport> Finish(TraceSourceInfo info, TraceDiagnostics diagnostics, AnalysisCounters counters)
    {
        counters.Increment("phases_not_broken_down", _notBrokenDown);
        return _phases.Names
            .Where(_analyzers.ContainsKey)
            .Select(name => new PhaseReport(
                name,
                _phases.Spans.Where(s => s.Name == name).ToList(),
                _analyzers[name].Finish(info, diagnostics)))
            .ToList();
    }

    private void OnRun(ReadOnlySpan<TraceEvent> run)
    {
        if (run.IsEmpty)
        {
            return;
        }

        foreach (var analyzer in _open)
        {
            analyzer.OnEvents(run);
        }

        _notBrokenDown += (long)_openPastLimit * run.Length;
    }

    private void OnMarker(in TraceEvent e)
    {
        var closing = _phases.OpenNames.ToList();
        if (_phases.OnEvent(e))
        {
            // The end marker belongs to the phase it closes, as it does under --phase.
            foreach (var name in closing.Where(n => !_phases.IsOpen(n)))
            {
                if (AnalyzerOf(name) is { } closed)
                {
                    closed.OnEvent(e);
                }
                else
                {
                    _notBrokenDown++;
                }
            }
        }

        _open.Clear();
        _openPastLimit = 0;
        foreach (var name in _phases.OpenNames)
        {
            if (AnalyzerOf(name) is { } analyzer)
            {
                _open.Add(analyzer);
            }
            else
            {
                _openPastLimit++;
            }
        }

        foreach (var analyzer in _open)
        {
            analyzer.OnEvent(e);
        }

        _notBrokenDown += _openPastLimit;
    }

    private TraceAnalyzer? AnalyzerOf(string name)
    {
        if (_analyzers.TryGetValue(name, out var analyzer))
        {
            return analyzer;
        }

        if (_analyzers.Count >= MaxPhases)
        {
            return null;
        }

        analyzer = new TraceAnalyzer(_phaseOptions);
        _analyzers[name] = analyzer;
        return analyzer;
    }
}
