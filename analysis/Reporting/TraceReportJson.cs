using System.Text.Json;
using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// The <c>report --json</c> contract. Stable names (scripts depend on them): <c>pages.installs</c>,
/// <c>pages.lru_adds</c>, <c>pages.lru_removes</c>, <c>pages.reclaims</c>, <c>pages.reinstalls_after_reclaim</c>,
/// <c>pages.install_ns</c>; <c>mmap_lock.wait_ns.read|write</c>, <c>mmap_lock.hold_ns.read|write</c>,
/// <c>mmap_lock.binder.hold_ns.read|write</c>, <c>mmap_lock.binder.wait_ns.read|write</c>;
/// <c>transactions.count</c>; <c>fingerprint.design</c>. Every <c>*_ns</c> value is a distribution object with
/// integer <c>count</c>, <c>total</c>, <c>min</c>, <c>p50</c>, <c>p90</c>, <c>p99</c>, <c>max</c> in nanoseconds
/// (quantile method: <see cref="DurationDistribution"/>, named in <c>quantile_method</c>). Per process,
/// <c>pages.processes[].series</c> holds <c>[ts_ns, active, lru]</c> samples (see <see cref="PageCountSeries"/>).
/// </summary>
public static class TraceReportJson
{
    public const string QuantileMethod =
        "nearest-rank on exact values up to 1024 per distribution, then a log-linear histogram (128 buckets per power of two, relative error <= 1/256)";

    /// <summary>Version of the document's layout; <c>compare</c> and <c>gate</c> refuse other versions.</summary>
    public const int SchemaVersion = 1;

    public static void Write(Utf8JsonWriter json, TraceReport report)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(report);
        json.WriteStartObject();
        WriteFields(new JsonReportFields(json), report);
        json.WriteEndObject();
    }

    /// <summary>The report's fields, in the document's order, to <paramref name="fields"/> (the body of the top-level object).</summary>
    public static void WriteFields(IReportFields fields, TraceReport report)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(report);
        fields.Number("schema_version", SchemaVersion);
        fields.Text("source", report.Source.SourceName);
        fields.Text("clock", report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns");
        fields.Text("quantile_method", QuantileMethod);
        if (report.ProcFilter is { } proc)
        {
            fields.Number("proc", proc);
        }
        else
        {
            fields.Null("proc");
        }

        fields.Text("focus", report.Focus);
        fields.Number("event_count", report.Events);
        // With a counter clock every time in this report is in ticks; the clock field says so and the
        // trace bounds are named for what they are, so no script mistakes ticks for nanoseconds.
        var unit = report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns";
        fields.Number("first_ts_" + unit, report.FirstTimestamp);
        fields.Number("last_ts_" + unit, report.LastTimestamp);
        WritePages(fields, report);
        WriteLocks(fields, report);
        WriteTransactions(fields, report);
        WriteFingerprint(fields, report);
        WriteDataQuality(fields, report);
        fields.Array("binder_processes", json => WriteProcesses(json, report));
        fields.Array("phases", json => WritePhases(json, report));
    }

    private static void WriteProcesses(Utf8JsonWriter json, TraceReport report)
    {
        foreach (var p in report.Processes)
        {
            json.WriteStartObject();
            json.WriteNumber("proc", p.Proc);
            json.WriteString("comm", p.Comm);
            json.WriteNumber("page_installs", p.PageInstalls);
            json.WriteNumber("mmap_lock_holds", p.MmapLockHolds);
            json.WriteNumber("binder_holds", p.BinderHolds);
            json.WriteNumber("transactions", p.Transactions);
            json.WriteEndObject();
        }
    }

    /// <summary>Each phase as a full report of its own (the same object as <c>report --phase NAME --json</c> gives), with its spans.</summary>
    private static void WritePhases(Utf8JsonWriter json, TraceReport report)
    {
        foreach (var phase in report.Phases)
        {
            json.WriteStartObject();
            json.WriteString("name", phase.Name);
            json.WriteNumber("duration_ns", phase.DurationNs(report.LastTimestamp));
            json.WriteStartArray("spans");
            foreach (var span in phase.Spans)
            {
                json.WriteStartArray();
                json.WriteNumberValue(span.StartNs);
                json.WriteNumberValue(span.EndNs);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WritePropertyName("report");
            Write(json, phase.Report);
            json.WriteEndObject();
        }
    }

    private static void WriteDistribution(IReportFields fields, string name, DurationDistribution d)
    {
        fields.StartObject(name);
        fields.Number("count", d.Count);
        fields.Number("total", d.Total);
        fields.Number("min", d.Min);
        fields.Number("p50", d.Quantile(0.50));
        fields.Number("p90", d.Quantile(0.90));
        fields.Number("p99", d.Quantile(0.99));
        fields.Number("max", d.Max);
        fields.Flag("exact", d.IsExact);
        fields.EndObject();
    }

    private static void WritePages(IReportFields fields, TraceReport report)
    {
        fields.StartObject("pages");
        WritePageCounts(fields, report.Pages);
        fields.Number("page_range_updates", report.PageRangeUpdates);
        fields.Array("processes", json => WriteProcessPages(json, report));
        fields.Array("markers", json => WriteMarkers(json, report));
        fields.EndObject();
    }

    private static void WriteProcessPages(Utf8JsonWriter json, TraceReport report)
    {
        var fields = new JsonReportFields(json);
        foreach (var proc in report.PagesByProcess)
        {
            json.WriteStartObject();
            json.WriteNumber("proc", proc.Proc);
            WritePageCounts(fields, proc);
            json.WriteStartArray("series");
            foreach (var sample in proc.Series.Samples)
            {
                json.WriteStartArray();
                json.WriteNumberValue(sample.TimestampNs);
                json.WriteNumberValue(sample.Active);
                json.WriteNumberValue(sample.Lru);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    private static void WriteMarkers(Utf8JsonWriter json, TraceReport report)
    {
        foreach (var marker in report.Markers)
        {
            json.WriteStartObject();
            json.WriteNumber("ts_ns", marker.TimestampNs);
            json.WriteString("text", marker.Text);
            json.WriteStartArray("pages");
            foreach (var count in marker.Counts)
            {
                json.WriteStartObject();
                json.WriteNumber("proc", count.Proc);
                json.WriteNumber("active", count.Active);
                json.WriteNumber("lru", count.Lru);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    private static void WritePageCounts(IReportFields fields, ProcessPageStatistics p)
    {
        fields.Number("installs", p.Installs);
        fields.Number("raced_installs", p.RacedInstalls);
        fields.Number("lru_adds", p.LruAdds);
        fields.Number("lru_removes", p.LruRemoves);
        fields.Number("reclaims", p.Reclaims);
        fields.Number("reinstalls_after_reclaim", p.ReinstallsAfterReclaim);
        fields.Number("active_at_end", p.Active);
        fields.Number("lru_at_end", p.Lru);
        fields.Number("installed_at_end", p.Resident);
        fields.Number("peak_installed", p.PeakResident);
        fields.Number("peak_lru", p.PeakLru);
        WriteDistribution(fields, "install_ns", p.InstallNs);
        WriteDistribution(fields, "lru_dwell_ns", p.LruDwellNs);
        WriteDistribution(fields, "reclaim_ns", p.ReclaimNs);
        WriteDistribution(fields, "reinstall_after_reclaim_ns", p.ReinstallAfterReclaimNs);
    }

    private static void WriteLocks(IReportFields fields, TraceReport report)
    {
        fields.StartObject("mmap_lock");
        WriteLockNumbers(fields, report.Locks);
        fields.Array("top_blockers", json => WriteTopBlockers(json, report));
        fields.Array("tasks", json => WriteLockTasks(json, report));
        fields.Array("mms", json => WriteMms(json, report));
        fields.EndObject();
    }

    private static void WriteTopBlockers(Utf8JsonWriter json, TraceReport report)
    {
        foreach (var b in report.TopBlockers)
        {
            json.WriteStartObject();
            json.WriteNumber("pid", b.Pid);
            json.WriteString("comm", b.Comm);
            json.WriteString("mm", Hex(b.Mm));
            json.WriteString("mode", LockModeNames.Of(b.Mode));
            json.WriteBoolean("binder", b.Binder);
            json.WriteNumber("waits_blocked", b.WaitsBlocked);
            json.WriteNumber("blocked_ns", b.BlockedNs);
            json.WriteEndObject();
        }
    }

    private static void WriteLockTasks(Utf8JsonWriter json, TraceReport report)
    {
        foreach (var t in report.TopLockTasks)
        {
            json.WriteStartObject();
            json.WriteNumber("pid", t.Pid);
            json.WriteString("comm", t.Comm);
            json.WriteString("mm", Hex(t.Mm));
            foreach (var mode in (ReadOnlySpan<LockMode>)[LockMode.Read, LockMode.Write])
            {
                var m = LockModeNames.Of(mode);
                json.WriteNumber($"{m}_holds", t.Holds(mode));
                json.WriteNumber($"{m}_hold_ns", t.HoldNs(mode));
                json.WriteNumber($"{m}_binder_holds", t.BinderHolds(mode));
                json.WriteNumber($"{m}_binder_hold_ns", t.BinderHoldNs(mode));
                json.WriteNumber($"{m}_waits", t.Waits(mode));
                json.WriteNumber($"{m}_wait_ns", t.WaitNs(mode));
            }

            json.WriteEndObject();
        }
    }

    private static void WriteMms(Utf8JsonWriter json, TraceReport report)
    {
        var fields = new JsonReportFields(json);
        foreach (var mm in report.LocksByMm)
        {
            json.WriteStartObject();
            json.WriteString("mm", Hex(mm.Mm));
            if (mm.OwnerProc >= 0)
            {
                json.WriteNumber("binder_proc", mm.OwnerProc);
            }
            else
            {
                json.WriteNull("binder_proc");
            }

            WriteLockNumbers(fields, mm);
            json.WriteEndObject();
        }
    }

    private static void WriteLockNumbers(IReportFields fields, MmLockStatistics s)
    {
        WriteModes(fields, "wait_ns", s.WaitNs);
        WriteModes(fields, "hold_ns", s.HoldNs);
        fields.StartObject("binder");
        WriteModes(fields, "wait_ns", s.BinderWaitNs);
        WriteModes(fields, "hold_ns", s.BinderHoldNs);
        fields.Number("blocked_others_ns", s.BlockedByBinderNs);
        fields.EndObject();
        fields.StartObject("other");
        fields.Number("blocked_others_ns", s.BlockedByOtherNs);
        fields.EndObject();
        fields.Number("trylock_acquires", s.TrylockAcquires);
        fields.Number("failed_trylocks", s.FailedTrylocks);
        fields.Number("failed_locks", s.FailedLocks);
        fields.Number("downgrades", s.Downgrades);
        fields.Number("unmatched_releases", s.UnmatchedReleases);
    }

    private static void WriteModes(IReportFields fields, string name, Func<LockMode, DurationDistribution> of)
    {
        fields.StartObject(name);
        WriteDistribution(fields, "read", of(LockMode.Read));
        WriteDistribution(fields, "write", of(LockMode.Write));
        fields.EndObject();
    }

    private static void WriteTransactions(IReportFields fields, TraceReport report)
    {
        var t = report.Transactions;
        fields.StartObject("transactions");
        fields.Number("count", t.Count);
        fields.Number("replies", t.Replies);
        fields.Number("oneway", t.OneWay);
        fields.Number("pages_installed", t.PagesInstalled);
        fields.Number("with_page_installs", t.WithPageInstalls);
        WriteDistribution(fields, "buffer_bytes", t.BufferBytes);
        WriteDistribution(fields, "delivery_ns", t.DeliveryNs);
        WriteDistribution(fields, "round_trip_ns", t.RoundTripNs);
        fields.EndObject();
    }

    private static void WriteFingerprint(IReportFields fields, TraceReport report)
    {
        var f = report.Fingerprint;
        var e = f.Evidence;
        fields.StartObject("fingerprint");
        fields.Text("design", f.DesignName);
        fields.Text("reason", f.Reason);
        fields.StartObject("evidence");
        fields.Number("install_windows", e.InstallWindows);
        fields.Number("windows_inside_write_hold", e.InstallWindowsInsideWriteHold);
        fields.Number("windows_inside_read_hold", e.InstallWindowsInsideReadHold);
        fields.Number("windows_with_write_lock_inside", e.InstallWindowsWithWriteLockInside);
        fields.Number("windows_with_read_lock_inside", e.InstallWindowsWithReadLockInside);
        fields.Number("windows_without_lock", e.InstallWindowsWithoutLock);
        fields.Number("receiver_read_locks_after_install", e.ReceiverReadLocksAfterInstall);
        fields.Number("write_holds_enclosing_several_windows", e.WriteHoldsEnclosingSeveralWindows);
        fields.Number("update_page_range_events", e.UpdatePageRangeEvents);
        fields.Number("update_page_range_zero_size", e.UpdatePageRangeZeroSize);
        fields.Number("update_page_range_wrapped", e.UpdatePageRangeWrapped);
        fields.Text("lru_add_order", e.LruAddOrder.ToString());
        fields.Text("unmap_order", e.UnmapOrder.ToString());
        fields.Text("memcg_form", e.MemcgForm.ToString());
        fields.Text("install_shape", e.DominantInstallAllocationShape);
        fields.Text("shrink_shape", e.DominantShrinkPageShape);
        fields.EndObject();
        fields.EndObject();
    }

    private static void WriteDataQuality(IReportFields fields, TraceReport report)
    {
        var d = report.Diagnostics;
        fields.StartObject("data_quality");
        fields.Number("lines_read", d.LinesRead);
        fields.Number("unparsed_lines", d.UnparsedLines);
        fields.Number("malformed_payloads", d.MalformedPayloads);
        fields.Number("lost_event_markers", d.LostEventMarkers);
        fields.Number("lost_events", d.LostEvents);
        fields.Number("lost_event_markers_without_count", d.LostEventMarkersWithoutCount);
        fields.Number("reordered_events", d.ReorderedEvents);
        fields.Number("late_events", d.LateEvents);
        fields.Number("lost_data_bytes", d.LostDataBytes);
        fields.Flag("truncated", d.Truncated);
        fields.Text("input_damage", d.InputDamage);
        fields.StartObject("analysis");
        foreach (var (name, count) in report.Counters.All)
        {
            fields.Number(name, count);
        }

        fields.EndObject();
        fields.Array("table", json => DataQualityTableJson.WriteRows(json, report.DataQuality));
        fields.EndObject();
    }

    public static string Hex(ulong mm) => mm.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The fields as JSON properties of the object <see cref="Utf8JsonWriter"/> has open.</summary>
    private sealed class JsonReportFields(Utf8JsonWriter json) : IReportFields
    {
        public void StartObject(string name) => json.WriteStartObject(name);

        public void EndObject() => json.WriteEndObject();

        public void Number(string name, long value) => json.WriteNumber(name, value);

        public void Text(string name, string? value) => json.WriteString(name, value);

        public void Flag(string name, bool value) => json.WriteBoolean(name, value);

        public void Null(string name) => json.WriteNull(name);

        public void Array(string name, Action<Utf8JsonWriter> rows)
        {
            json.WriteStartArray(name);
            rows(json);
            json.WriteEndArray();
        }
    }
}
