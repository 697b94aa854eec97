using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Comparison;

/// <summary>
/// Analyses a trace into a <see cref="TraceMeasurement"/>: the values of the report <c>report --json</c>
/// prints, read from the typed report (<see cref="ReportMetrics.FromReport"/>), the reader's data-quality counters, and duration samples from the
/// analysis' rows (<see cref="MetricSampleSink"/>) for the single-run bootstrap. One pass, memory bounded by
/// the analysis state plus the sink's reservoirs.
/// </summary>
public static class TraceMeasurementFactory
{
    public static TraceMeasurement FromSource(ITraceEventSource source, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var collector = new TraceMeasurementCollector(options);
        var analyzer = collector.Analyzer;
        while (source.TryRead(out var e))
        {
            analyzer.OnEvent(e);
        }

        collector.OnEnd(source.Info, source.Diagnostics);
        return collector.Measurement!;
    }

    internal static TraceMeasurement Build(TraceReport report, TraceDiagnostics diagnostics, MetricSampleSink sink) =>
        new(report.Source.SourceName, ReportMetrics.FromReport(report), TraceDataQuality.FromDiagnostics(diagnostics), sink.ToSamples());
}

/// <summary>The consumer form of <see cref="TraceMeasurementFactory"/>: a trace pass feeds it, and its end builds the measurement.</summary>
public sealed class TraceMeasurementCollector : ITraceEventConsumer
{
    private readonly MetricSampleSink _sink = new();

    public TraceMeasurementCollector(AnalysisOptions? options = null) => Analyzer = new TraceAnalyzer(options, _sink);

    /// <summary>The measurement, once the pass has ended.</summary>
    public TraceMeasurement? Measurement { get; private set; }

    internal TraceAnalyzer Analyzer { get; }

    public void OnEvents(ReadOnlySpan<TraceEvent> batch) => Analyzer.OnEvents(batch);

    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics) =>
        Measurement = TraceMeasurementFactory.Build(Analyzer.Finish(info, diagnostics), diagnostics, _sink);
}
