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
        json.WriteNumber("schema_version", SchemaVersion);
        json.WriteString("source", report.Source.SourceName);
        json.WriteString("clock", report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns");
        json.WriteString("quantile_method", QuantileMethod);
        if (report.ProcFilter is { } proc)
        {
            json.WriteNumber("proc", proc);
        }
        else
        {
            json.WriteNull("proc");
        }

        if (report.Focus is { } focus)
        {
            json.WriteString("focus", focus);
        }
        else
        {
            json.WriteNull("focus");
        }

        json.WriteNumber("event_count", report.Events);
        // With a counter clock every time in this report is in ticks; the clock field says so and the
        // trace bounds are named for what they are, so no script mistakes ticks for nanoseconds.
        var unit = report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns";
        json.WriteNumber("first_ts_" + unit, report.FirstTimestamp);
        json.WriteNumber("last_ts_" + unit, report.LastTimestamp);
        WritePages(json, report);
        WriteLocks(json, report);
        WriteTransactions(json, report);
        WriteFingerprint(json, report);
        WriteDataQuality(json, report);
        WriteProcesses(json, report);
        WritePhases(json, report);
        json.WriteEndObject();
    }

    private static void WriteProcesses(Utf8JsonWriter json, TraceReport report)
    {
        json.WriteStartArray("binder_processes");
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

        json.WriteEndArray();
    }

    /// <summary>Each phase as a full report of its own (the same object as <c>report --phase NAME --json</c> gives), with its spans.</summary>
    private static void WritePhases(Utf8JsonWriter json, TraceReport report)
    {
        json.WriteStartArray("phases");
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

        json.WriteEndArray();
    }

    public static void WriteDistribution(Utf8JsonWriter json, string name, DurationDistribution d)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(d);
        json.WriteStartObject(name);
        json.WriteNumber("count", d.Count);
        json.WriteNumber("total", d.Total);
        json.WriteNumber("min", d.Min);
        json.WriteNumber("p50", d.Quantile(0.50));
        json.WriteNumber("p90", d.Quantile(0.90));
        json.WriteNumber("p99", d.Quantile(0.99));
        json.WriteNumber("max", d.Max);
        json.WriteBoolean("exact", d.IsExact);
        json.WriteEndObject();
    }

    private static void WritePages(Utf8JsonWriter json, TraceReport report)
    {
        var p = report.Pages;
        json.WriteStartObject("pages");
        WritePageCounts(json, p);
        json.WriteNumber("page_range_updates", report.PageRangeUpdates);
        json.WriteStartArray("processes");
        foreach (var proc in report.PagesByProcess)
        {
            json.WriteStartObject();
            json.WriteNumber("proc", proc.Proc);
            WritePageCounts(json, proc);
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

        json.WriteEndArray();
        json.WriteStartArray("markers");
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

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WritePageCounts(Utf8JsonWriter json, ProcessPageStatistics p)
    {
        json.WriteNumber("installs", p.Installs);
        json.WriteNumber("raced_installs", p.RacedInstalls);
        json.WriteNumber("lru_adds", p.LruAdds);
        json.WriteNumber("lru_removes", p.LruRemoves);
        json.WriteNumber("reclaims", p.Reclaims);
        json.WriteNumber("reinstalls_after_reclaim", p.ReinstallsAfterReclaim);
        json.WriteNumber("active_at_end", p.Active);
        json.WriteNumber("lru_at_end", p.Lru);
        json.WriteNumber("installed_at_end", p.Resident);
        json.WriteNumber("peak_installed", p.PeakResident);
        json.WriteNumber("peak_lru", p.PeakLru);
        WriteDistribution(json, "install_ns", p.InstallNs);
        WriteDistribution(json, "lru_dwell_ns", p.LruDwellNs);
        WriteDistribution(json, "reclaim_ns", p.ReclaimNs);
        WriteDistribution(json, "reinstall_after_reclaim_ns", p.ReinstallAfterReclaimNs);
    }

    private static void WriteLocks(Utf8JsonWriter json, TraceReport report)
    {
        json.WriteStartObject("mmap_lock");
        WriteLockNumbers(json, report.Locks);
        json.WriteStartArray("top_blockers");
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

        json.WriteEndArray();
        json.WriteStartArray("tasks");
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

        json.WriteEndArray();
        json.WriteStartArray("mms");
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

            WriteLockNumbers(json, mm);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteLockNumbers(Utf8JsonWriter json, MmLockStatistics s)
    {
        WriteModes(json, "wait_ns", s.WaitNs);
        WriteModes(json, "hold_ns", s.HoldNs);
        json.WriteStartObject("binder");
        WriteModes(json, "wait_ns", s.BinderWaitNs);
        WriteModes(json, "hold_ns", s.BinderHoldNs);
        json.WriteNumber("blocked_others_ns", s.BlockedByBinderNs);
        json.WriteEndObject();
        json.WriteStartObject("other");
        json.WriteNumber("blocked_others_ns", s.BlockedByOtherNs);
        json.WriteEndObject();
        json.WriteNumber("trylock_acquires", s.TrylockAcquires);
        json.WriteNumber("failed_trylocks", s.FailedTrylocks);
        json.WriteNumber("failed_locks", s.FailedLocks);
        json.WriteNumber("downgrades", s.Downgrades);
        json.WriteNumber("unmatched_releases", s.UnmatchedReleases);
    }

    private static void WriteModes(Utf8JsonWriter json, string name, Func<LockMode, DurationDistribution> of)
    {
        json.WriteStartObject(name);
        WriteDistribution(json, "read", of(LockMode.Read));
        WriteDistribution(json, "write", of(LockMode.Write));
        json.WriteEndObject();
    }

    private static void WriteTransactions(Utf8JsonWriter json, TraceReport report)
    {
        var t = report.Transactions;
        json.WriteStartObject("transactions");
        json.WriteNumber("count", t.Count);
        json.WriteNumber("replies", t.Replies);
        json.WriteNumber("oneway", t.OneWay);
        json.WriteNumber("pages_installed", t.PagesInstalled);
        json.WriteNumber("with_page_installs", t.WithPageInstalls);
        WriteDistribution(json, "buffer_bytes", t.BufferBytes);
        WriteDistribution(json, "delivery_ns", t.DeliveryNs);
        WriteDistribution(json, "round_trip_ns", t.RoundTripNs);
        json.WriteEndObject();
    }

    private static void WriteFingerprint(Utf8JsonWriter json, TraceReport report)
    {
        var f = report.Fingerprint;
        var e = f.Evidence;
        json.WriteStartObject("fingerprint");
        json.WriteString("design", f.DesignName);
        json.WriteString("reason", f.Reason);
        json.WriteStartObject("evidence");
        json.WriteNumber("install_windows", e.InstallWindows);
        json.WriteNumber("windows_inside_write_hold", e.InstallWindowsInsideWriteHold);
        json.WriteNumber("windows_inside_read_hold", e.InstallWindowsInsideReadHold);
        json.WriteNumber("windows_with_write_lock_inside", e.InstallWindowsWithWriteLockInside);
        json.WriteNumber("windows_with_read_lock_inside", e.InstallWindowsWithReadLockInside);
        json.WriteNumber("windows_without_lock", e.InstallWindowsWithoutLock);
        json.WriteNumber("receiver_read_locks_after_install", e.ReceiverReadLocksAfterInstall);
        json.WriteNumber("write_holds_enclosing_several_windows", e.WriteHoldsEnclosingSeveralWindows);
        json.WriteNumber("update_page_range_events", e.UpdatePageRangeEvents);
        json.WriteNumber("update_page_range_zero_size", e.UpdatePageRangeZeroSize);
        json.WriteNumber("update_page_range_wrapped", e.UpdatePageRangeWrapped);
        json.WriteString("lru_add_order", e.LruAddOrder.ToString());
        json.WriteString("unmap_order", e.UnmapOrder.ToString());
        json.WriteString("memcg_form", e.MemcgForm.ToString());
        json.WriteString("install_shape", e.DominantInstallAllocationShape);
        json.WriteString("shrink_shape", e.DominantShrinkPageShape);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteDataQuality(Utf8JsonWriter json, TraceReport report)
    {
        var d = report.Diagnostics;
        json.WriteStartObject("data_quality");
        json.WriteNumber("lines_read", d.LinesRead);
        json.WriteNumber("unparsed_lines", d.UnparsedLines);
        json.WriteNumber("malformed_payloads", d.MalformedPayloads);
        json.WriteNumber("lost_event_markers", d.LostEventMarkers);
        json.WriteNumber("lost_events", d.LostEvents);
        json.WriteNumber("lost_event_markers_without_count", d.LostEventMarkersWithoutCount);
        json.WriteNumber("reordered_events", d.ReorderedEvents);
        json.WriteNumber("late_events", d.LateEvents);
        json.WriteNumber("lost_data_bytes", d.LostDataBytes);
        json.WriteBoolean("truncated", d.Truncated);
        json.WriteString("input_damage", d.InputDamage);
        json.WriteStartObject("analysis");
        foreach (var (name, count) in report.Counters.All)
        {
            json.WriteNumber(name, count);
        }

        json.WriteEndObject();
        DataQualityTableJson.Write(json, "table", report.DataQuality);
        json.WriteEndObject();
    }

    public static string Hex(ulong mm) => mm.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

}
