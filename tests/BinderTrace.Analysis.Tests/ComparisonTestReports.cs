using System.Globalization;
using System.Text.Json.Nodes;
using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>Synthetic <c>report --json</c> documents in issue 4's shape for comparison tests.</summary>
internal static class ComparisonTestReports
{
    public static readonly TraceDataQuality Clean = new(EventsRead: 10_000, 0, 0, 0, 0, 0, Truncated: false);

    /// <summary>A distribution object whose quantiles are all <paramref name="typical"/> (max twice it).</summary>
    public static JsonObject Distribution(long count, double typical) => new()
    {
        ["count"] = count,
        ["total"] = count * typical,
        ["min"] = count == 0 ? 0 : typical / 2,
        ["p50"] = count == 0 ? 0 : typical,
        ["p90"] = count == 0 ? 0 : typical,
        ["p99"] = count == 0 ? 0 : typical,
        ["max"] = count == 0 ? 0 : typical * 2,
    };

    /// <summary>A report with binder write holds, page counts, transactions and a fingerprint.</summary>
    public static JsonObject Report(long binderWriteHolds, double binderWriteHoldNs, long reinstalls = 10, long transactions = 1000, string design = "page-write") => new()
    {
        ["pages"] = new JsonObject
        {
            ["installs"] = 5000,
            ["reinstalls_after_reclaim"] = reinstalls,
        },
        ["mmap_lock"] = new JsonObject
        {
            ["binder"] = new JsonObject
            {
                ["hold_ns"] = new JsonObject
                {
                    ["write"] = Distribution(binderWriteHolds, binderWriteHoldNs),
                },
            },
        },
        ["transactions"] = new JsonObject { ["count"] = transactions },
        ["fingerprint"] = new JsonObject { ["design"] = design },
    };

    public static TraceMeasurement Measurement(
        JsonObject report, string source = "run", TraceDataQuality? quality = null, IReadOnlyDictionary<string, TimedSamples>? samples = null) =>
        new(source, ReportMetrics.FromDocument(report), quality ?? Clean, samples);

    public static List<TraceMeasurement> Runs(string side, params double[] binderWriteHoldNs) =>
        binderWriteHoldNs.Select((ns, i) => Measurement(Report(1000, ns), $"{side}{i.ToString(CultureInfo.InvariantCulture)}")).ToList();

    public static MetricComparison Row(ComparisonReport report, string metric) => report.Metrics.Single(m => m.Metric == metric);
}
