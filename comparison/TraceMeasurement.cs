namespace BinderTrace.Comparison;

/// <summary>
/// Everything a comparison needs from one trace (one run): its report's values by dotted path
/// (<see cref="ReportMetrics"/>, read from the typed report of a measured trace or from a saved report file), its data quality, and — when the trace itself was analysed — time-ordered duration samples
/// per metric family (<see cref="MetricSampleSink"/>) for the single-run bootstrap.
/// </summary>
public sealed class TraceMeasurement
{
    internal TraceMeasurement(
        string source, ReportMetrics metrics, TraceDataQuality quality, IReadOnlyDictionary<string, TimedSamples>? samples = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(quality);
        Source = source;
        Metrics = metrics;
        Quality = quality;
        Samples = samples ?? new Dictionary<string, TimedSamples>(StringComparer.Ordinal);
    }

    /// <summary>Where the measurement came from (a path), for messages.</summary>
    public string Source { get; }

    internal ReportMetrics Metrics { get; }

    public TraceDataQuality Quality { get; }

    public IReadOnlyDictionary<string, TimedSamples> Samples { get; }

    public bool TryGetNumber(string path, out double value) => Metrics.TryGetNumber(path, out value);

    public string? GetText(string path) => Metrics.GetText(path);
}
