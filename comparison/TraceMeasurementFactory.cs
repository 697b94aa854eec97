using System.Text.Json;
using System.Text.Json.Nodes;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Comparison;

/// <summary>
/// Analyses a trace into a <see cref="TraceMeasurement"/>: the same report document <c>report --json</c>
/// prints (<see cref="TraceReportJson"/>), the reader's data-quality counters, and duration samples from the
/// analysis' rows (<see cref="MetricSampleSink"/>) for the single-run bootstrap. One pass, memory bounded by
/// the analysis state plus the sink's reservoirs.
/// </summary>
public static class TraceMeasurementFactory
{
    public static TraceMeasurement FromSource(ITraceEventSource source, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sink = new MetricSampleSink();
        var report = TraceAnalyzer.Analyze(source, options, sink);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            TraceReportJson.Write(json, report);
        }

        var document = JsonNode.Parse(buffer.ToArray())
            ?? throw new InvalidOperationException("the report writer produced an empty document");
        return new TraceMeasurement(source.Info.SourceName, document, TraceDataQuality.FromDiagnostics(source.Diagnostics), sink.ToSamples());
    }
}
