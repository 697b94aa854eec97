using System.Text.Json.Nodes;

namespace BinderTrace.Comparison;

/// <summary>
/// Everything a comparison needs from one trace (one run): its <c>report --json</c> document (metrics by
/// dotted path), its data quality, and — when the trace itself was analysed — time-ordered duration samples
/// per metric family (<see cref="MetricSampleSink"/>) for the single-run bootstrap.
/// </summary>
public sealed class TraceMeasurement
{
    public TraceMeasurement(
        string source, JsonNode report, TraceDataQuality quality, IReadOnlyDictionary<string, TimedSamples>? samples = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(quality);
        Source = source;
        Report = report;
        Quality = quality;
        Samples = samples ?? new Dictionary<string, TimedSamples>(StringComparer.Ordinal);
    }

    /// <summary>Where the measurement came from (a path), for messages.</summary>
    public string Source { get; }

    public JsonNode Report { get; }

    public TraceDataQuality Quality { get; }

    public IReadOnlyDictionary<string, TimedSamples> Samples { get; }

    public bool TryGetNumber(string path, out double value) => ReportDocument.TryGetNumber(Report, path, out value);

    public string? GetText(string path) => ReportDocument.Find(Report, path) is JsonValue value && value.TryGetValue<string>(out var text)
        ? text
        : null;
}
