using System.Text.Json.Nodes;
using BinderTrace.Events;

namespace BinderTrace.Comparison;

/// <summary>A reason not to trust a trace's numbers. The config names (<c>lost_events</c>, …) are what a gate file's <c>allow</c> list takes.</summary>
public enum DataQualityIssue
{
    Empty,
    Truncated,
    LostEvents,
    UnparsedLines,
    MalformedPayloads,
    LateEvents,

    /// <summary>Binary trace data (damaged pages or chunks) that could not be decoded.</summary>
    LostData,

    /// <summary>The input did not say how clean it was (a report document without data-quality counters).</summary>
    Unknown,
}

/// <summary>The data-quality facts of one trace that decide whether its comparison can be trusted.</summary>
public sealed record TraceDataQuality(
    long EventsRead, long LostEvents, long LostEventMarkers, long UnparsedLines, long MalformedPayloads, long LateEvents, bool Truncated)
{
    /// <summary>For inputs that carry no counters: every comparison of them reports <see cref="DataQualityIssue.Unknown"/>.</summary>
    public static TraceDataQuality Unknown { get; } = new(-1, 0, 0, 0, 0, 0, false);

    /// <summary>Markers of a loss the kernel could not count (<c>CPU:N [LOST EVENTS]</c>): <see cref="LostEvents"/> is then a lower bound.</summary>
    public long LostEventMarkersWithoutCount { get; init; }

    /// <summary>Bytes of binary trace data that could not be decoded (<see cref="TraceDiagnostics.LostDataBytes"/>).</summary>
    public long LostDataBytes { get; init; }

    /// <summary>What was damaged in the input container, when it was (<see cref="TraceDiagnostics.InputDamage"/>).</summary>
    public string? InputDamage { get; init; }

    public static TraceDataQuality FromDiagnostics(TraceDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new TraceDataQuality(
            diagnostics.EventsRead, diagnostics.LostEvents, diagnostics.LostEventMarkers, diagnostics.UnparsedLines,
            diagnostics.MalformedPayloads, diagnostics.LateEvents, diagnostics.Truncated)
        {
            LostEventMarkersWithoutCount = diagnostics.LostEventMarkersWithoutCount,
            LostDataBytes = diagnostics.LostDataBytes,
            InputDamage = diagnostics.InputDamage,
        };
    }

    /// <summary>
    /// Reads the counters from a <c>report --json</c> document: <c>event_count</c> at the top level and the
    /// <c>data_quality</c> object's <c>lost_events</c>, <c>lost_event_markers</c>, <c>unparsed_lines</c>,
    /// <c>malformed_payloads</c>, <c>late_events</c> and <c>truncated</c>. Without them the quality is <see cref="Unknown"/>.
    /// </summary>
    public static TraceDataQuality FromReport(JsonNode report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report["data_quality"] is not JsonObject node || !ReportDocument.TryGetNumber(report, "event_count", out var events))
        {
            return Unknown;
        }

        return new TraceDataQuality(
            (long)events,
            Count(node, "lost_events"),
            Count(node, "lost_event_markers"),
            Count(node, "unparsed_lines"),
            Count(node, "malformed_payloads"),
            Count(node, "late_events"),
            node["truncated"] is JsonValue truncated && truncated.TryGetValue<bool>(out var value) && value)
        {
            LostEventMarkersWithoutCount = Count(node, "lost_event_markers_without_count"),
            LostDataBytes = Count(node, "lost_data_bytes"),
        };
    }

    public static string ConfigName(DataQualityIssue issue) => issue switch
    {
        DataQualityIssue.Empty => "empty",
        DataQualityIssue.Truncated => "truncated",
        DataQualityIssue.LostEvents => "lost_events",
        DataQualityIssue.UnparsedLines => "unparsed_lines",
        DataQualityIssue.MalformedPayloads => "malformed_payloads",
        DataQualityIssue.LateEvents => "late_events",
        DataQualityIssue.LostData => "lost_data_bytes",
        _ => "unknown_quality",
    };

    public static bool TryParseConfigName(string name, out DataQualityIssue issue)
    {
        foreach (var candidate in Enum.GetValues<DataQualityIssue>())
        {
            if (ConfigName(candidate) == name)
            {
                issue = candidate;
                return true;
            }
        }

        issue = default;
        return false;
    }

    /// <summary>Every problem of this trace with a sentence saying what it is.</summary>
    public IReadOnlyList<(DataQualityIssue Issue, string Message)> Issues()
    {
        if (EventsRead < 0)
        {
            return [(DataQualityIssue.Unknown, "data quality unknown (the input carries no data-quality counters)")];
        }

        var issues = new List<(DataQualityIssue, string)>();
        if (EventsRead == 0)
        {
            issues.Add((DataQualityIssue.Empty, "trace is empty (0 events)"));
        }

        if (Truncated)
        {
            issues.Add((DataQualityIssue.Truncated, InputDamage is null
                ? "trace is truncated (input ended inside a line or compressed stream)"
                : "trace is truncated: " + InputDamage));
        }

        if (LostEvents > 0 || LostEventMarkers > 0)
        {
            issues.Add((DataQualityIssue.LostEvents, LostEventMarkersWithoutCount > 0
                ? $"an unknown number of events lost ({LostEventMarkersWithoutCount} of {LostEventMarkers} lost-event markers without a count; {LostEvents} counted)"
                : $"{LostEvents} events lost ({LostEventMarkers} lost-event markers)"));
        }

        if (UnparsedLines > 0)
        {
            issues.Add((DataQualityIssue.UnparsedLines, $"{UnparsedLines} unparsed lines"));
        }

        if (MalformedPayloads > 0)
        {
            issues.Add((DataQualityIssue.MalformedPayloads, $"{MalformedPayloads} malformed event payloads"));
        }

        if (LateEvents > 0)
        {
            issues.Add((DataQualityIssue.LateEvents, $"{LateEvents} events arrived too late to be put in order"));
        }

        if (LostDataBytes > 0)
        {
            issues.Add((DataQualityIssue.LostData, $"{LostDataBytes} bytes of binary trace data could not be decoded"));
        }

        return issues;
    }

    private static long Count(JsonObject node, string name) =>
        ReportDocument.TryGetNumber(node, name, out var value) ? (long)value : 0;
}
