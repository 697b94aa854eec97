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

    public void OnEvent(in TraceEvent e)
    {
        var closing = e.Kind == EventKind.TracingMark ? _phases.OpenNames.ToList() : null;
        if (_phases.OnEvent(e) && closing is not null)
        {
            // The end marker belongs to the phase it closes, as it does under --phase.
            foreach (var name in closing.Where(n => !_phases.IsOpen(n)))
            {
                AnalyzerOf(name)?.OnEvent(e);
            }
        }

        foreach (var name in _phases.OpenNames)
        {
            AnalyzerOf(name)?.OnEvent(e);
        }
    }

    public List<PhaseReport> Finish(TraceSourceInfo info, TraceDiagnostics diagnostics) =>
        _phases.Names
            .Where(_analyzers.ContainsKey)
            .Select(name => new PhaseReport(
                name,
                _phases.Spans.Where(s => s.Name == name).ToList(),
                _analyzers[name].Finish(info, diagnostics)))
            .ToList();

    private TraceAnalyzer? AnalyzerOf(string name)
    {
        if (_analyzers.TryGetValue(name, out var analyzer))
        {
            return analyzer;
        }

        if (_analyzers.Count >= MaxPhases)
        {
            counters.Increment("phases_not_broken_down");
            return null;
        }

        analyzer = new TraceAnalyzer(_phaseOptions);
        _analyzers[name] = analyzer;
        return analyzer;
    }
}
