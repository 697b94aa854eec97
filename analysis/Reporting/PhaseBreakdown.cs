using System.Runtime.InteropServices;
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
/// <see cref="MaxPhases"/> names are broken down; later ones are counted and skipped.
/// </summary>
internal sealed class PhaseBreakdown(AnalysisOptions options, AnalysisCounters counters)
{
    public const int MaxPhases = 32;

    private readonly PhaseTracker _phases = new();
    private readonly Dictionary<string, TraceAnalyzer> _analyzers = new(StringComparer.Ordinal);
    private readonly AnalysisOptions _phaseOptions = options with { PhaseBreakdown = false, RefuseUnknownProc = false };

    // The analyzers of the phases open now, and how many open phases are past the limit: recomputed at markers only,
    // because asking the tracker per event (a query over its names) cost more than the phases' analysis itself.
    private readonly List<TraceAnalyzer> _open = [];
    private int _openPastLimit;

    public void OnEvent(in TraceEvent e)
    {
        if (e.Kind == EventKind.TracingMark)
        {
            OnMarker(e);
            return;
        }

        foreach (var analyzer in CollectionsMarshal.AsSpan(_open))
        {
            analyzer.OnEvent(e);
        }

        counters.Increment("phases_not_broken_down", _openPastLimit);
    }

    public List<PhaseReport> Finish(TraceSourceInfo info, TraceDiagnostics diagnostics) =>
        _phases.Names
            .Where(_analyzers.ContainsKey)
            .Select(name => new PhaseReport(
                name,
                _phases.Spans.Where(s => s.Name == name).ToList(),
                _analyzers[name].Finish(info, diagnostics)))
            .ToList();

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
                    counters.Increment("phases_not_broken_down");
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

        counters.Increment("phases_not_broken_down", _openPastLimit);
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
