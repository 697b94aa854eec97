using System.Text.Json;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Stats;

/// <summary>
/// The <c>stats --json</c> contract: <c>events</c> (name → count), <c>lost_events</c>, <c>unparsed_lines</c>,
/// <c>first_ts_ns</c>, <c>last_ts_ns</c>, <c>cpus</c> and more. With a counter clock the <c>*_ts_ns</c> fields
/// are null and <c>*_ts_ticks</c> carry the raw values, so no script mistakes ticks for nanoseconds.
/// </summary>
public static class TraceStatisticsJson
{
    public static void Write(Utf8JsonWriter json, TraceStatistics stats)
    {
        var diagnostics = stats.Diagnostics;
        var ticks = stats.Info.Clock == TraceClockKind.Ticks;
        json.WriteStartObject();
        json.WriteString("source", stats.Info.SourceName);
        json.WriteString("format", FormatName(stats.Info.Format));
        json.WriteBoolean("compressed", stats.Info.Compressed);
        if (stats.Info.OtherInstances.Count > 0)
        {
            // trace.dat ring-buffer instances besides the top one, which alone is read.
            json.WriteStartArray("unread_instances");
            foreach (var instance in stats.Info.OtherInstances)
            {
                json.WriteStringValue(instance);
            }

            json.WriteEndArray();
        }

        json.WriteString("clock", ticks ? "ticks" : "ns");
        WriteTimestamp(json, "first_ts", stats.FirstTimestamp, ticks);
        WriteTimestamp(json, "last_ts", stats.LastTimestamp, ticks);
        if (stats.FirstTimestamp is { } first && stats.LastTimestamp is { } last && !ticks)
        {
            json.WriteNumber("duration_ns", last - first);
        }

        json.WriteNumber("event_count", stats.Events);
        json.WriteNumber("cpus", stats.Cpus.Count);
        json.WriteStartArray("cpu_ids");
        foreach (var cpu in stats.Cpus.Order())
        {
            json.WriteNumberValue(cpu);
        }

        json.WriteEndArray();
        if (stats.Info.HeaderCpuCount is { } headerCpus)
        {
            json.WriteNumber("header_cpus", headerCpus);
        }

        json.WriteNumber("threads", stats.Threads);
        if (stats.Processes is { } processes)
        {
            json.WriteNumber("processes", processes);
        }
        else
        {
            json.WriteNull("processes");
        }

        json.WriteNumber("binder_processes", stats.BinderProcesses);
        json.WriteStartObject("events");
        foreach (var (name, count) in stats.EventCounts)
        {
            json.WriteNumber(name, count);
        }

        json.WriteEndObject();
        json.WriteNumber("lost_events", diagnostics.LostEvents);
        json.WriteBoolean("lost_events_known", diagnostics.LostEventCountKnown);
        json.WriteNumber("lost_event_markers", diagnostics.LostEventMarkers);
        json.WriteNumber("lost_event_markers_without_count", diagnostics.LostEventMarkersWithoutCount);
        json.WriteStartObject("lost_events_per_cpu");
        foreach (var (cpu, count) in diagnostics.LostEventsPerCpu)
        {
            json.WriteNumber(cpu.ToString(), count);
        }

        json.WriteEndObject();
        json.WriteNumber("unparsed_lines", diagnostics.UnparsedLines);
        json.WriteNumber("malformed_payloads", diagnostics.MalformedPayloads);
        json.WriteNumber("reordered_events", diagnostics.ReorderedEvents);
        json.WriteNumber("late_events", diagnostics.LateEvents);
        json.WriteBoolean("truncated", diagnostics.Truncated);
        json.WriteString("input_damage", diagnostics.InputDamage);
        json.WriteNumber("lines", diagnostics.LinesRead);
        json.WriteNumber("bytes", diagnostics.BytesRead);
        json.WriteStartArray("unparsed_samples");
        foreach (var skipped in diagnostics.SkippedSamples)
        {
            json.WriteStartObject();
            json.WriteNumber("line", skipped.LineNumber);
            json.WriteNumber("byte_offset", skipped.ByteOffset);
            json.WriteString("reason", skipped.Reason);
            json.WriteString("text", skipped.Text);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        DataQualityTableJson.Write(json, "data_quality_table", DataQualityTable.Of(diagnostics));
        json.WriteEndObject();
    }

    /// <summary>Stable, script-friendly names (snake_case) for <see cref="TraceFormat"/>.</summary>
    public static string FormatName(TraceFormat format) => format switch
    {
        TraceFormat.FtraceText => "ftrace_text",
        TraceFormat.FtracePipe => "trace_pipe",
        TraceFormat.TraceCmdReport => "trace_cmd_report",
        TraceFormat.Atrace => "atrace",
        TraceFormat.SystraceHtml => "systrace_html",
        TraceFormat.TraceDat => "trace_dat",
        TraceFormat.ReferenceAllocator => "reference_allocator",
        TraceFormat.Perfetto => "perfetto",
        _ => "unknown",
    };

    private static void WriteTimestamp(Utf8JsonWriter json, string name, long? value, bool ticks)
    {
        if (value is not { } timestamp)
        {
            json.WriteNull(name + "_ns");
            return;
        }

        if (ticks)
        {
            json.WriteNull(name + "_ns");
            json.WriteNumber(name + "_ticks", timestamp);
        }
        else
        {
            json.WriteNumber(name + "_ns", timestamp);
        }
    }
}
