using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;

namespace BinderTrace.Comparison;

/// <summary>
/// The typed side: each value read from the <see cref="TraceReport"/> under the path <see cref="TraceReportJson"/>
/// writes it at, in the same order, so a measured trace is not written as JSON and parsed back.
/// <c>ReportMetricsTests</c> proves on every shared capture that this equals <see cref="FromDocument"/> of the trace's
/// <c>report --json</c>.
/// </summary>
internal sealed partial class ReportMetrics
{
    public static ReportMetrics FromReport(TraceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = new ReportMetrics();
        var ticks = report.Source.Clock == TraceClockKind.Ticks;
        metrics.AddNumber("schema_version", TraceReportJson.SchemaVersion);
        metrics.AddText("source", report.Source.SourceName);
        metrics.AddText("clock", ticks ? "ticks" : "ns");
        metrics.AddText("quantile_method", TraceReportJson.QuantileMethod);
        if (report.ProcFilter is { } proc)
        {
            metrics.AddNumber("proc", proc);
        }

        metrics.AddText("focus", report.Focus);
        metrics.AddNumber("event_count", report.Events);
        metrics.AddNumber(ticks ? "first_ts_ticks" : "first_ts_ns", report.FirstTimestamp);
        metrics.AddNumber(ticks ? "last_ts_ticks" : "last_ts_ns", report.LastTimestamp);
        metrics.AddPages(report);
        metrics.AddLocks(report);
        metrics.AddTransactions(report.Transactions);
        metrics.AddFingerprint(report.Fingerprint);
        metrics.AddDataQuality(report);
        metrics.AddArray("binder_processes");
        metrics.AddArray("phases");
        return metrics;
    }

    private void AddDistribution(string path, DurationDistribution d)
    {
        AddNumber(path + ".count", d.Count);
        AddNumber(path + ".total", d.Total);
        AddNumber(path + ".min", d.Min);
        AddNumber(path + ".p50", d.Quantile(0.50));
        AddNumber(path + ".p90", d.Quantile(0.90));
        AddNumber(path + ".p99", d.Quantile(0.99));
        AddNumber(path + ".max", d.Max);
        AddBoolean(path + ".exact", d.IsExact);
    }

    private void AddPages(TraceReport report)
    {
        var p = report.Pages;
        AddNumber("pages.installs", p.Installs);
        AddNumber("pages.raced_installs", p.RacedInstalls);
        AddNumber("pages.lru_adds", p.LruAdds);
        AddNumber("pages.lru_removes", p.LruRemoves);
        AddNumber("pages.reclaims", p.Reclaims);
        AddNumber("pages.reinstalls_after_reclaim", p.ReinstallsAfterReclaim);
        AddNumber("pages.active_at_end", p.Active);
        AddNumber("pages.lru_at_end", p.Lru);
        AddNumber("pages.installed_at_end", p.Resident);
        AddNumber("pages.peak_installed", p.PeakResident);
        AddNumber("pages.peak_lru", p.PeakLru);
        AddDistribution("pages.install_ns", p.InstallNs);
        AddDistribution("pages.lru_dwell_ns", p.LruDwellNs);
        AddDistribution("pages.reclaim_ns", p.ReclaimNs);
        AddDistribution("pages.reinstall_after_reclaim_ns", p.ReinstallAfterReclaimNs);
        AddNumber("pages.page_range_updates", report.PageRangeUpdates);
        AddArray("pages.processes");
        AddArray("pages.markers");
    }

    private void AddLocks(TraceReport report)
    {
        var s = report.Locks;
        AddModes("mmap_lock.wait_ns", s.WaitNs);
        AddModes("mmap_lock.hold_ns", s.HoldNs);
        AddModes("mmap_lock.binder.wait_ns", s.BinderWaitNs);
        AddModes("mmap_lock.binder.hold_ns", s.BinderHoldNs);
        AddNumber("mmap_lock.binder.blocked_others_ns", s.BlockedByBinderNs);
        AddNumber("mmap_lock.other.blocked_others_ns", s.BlockedByOtherNs);
        AddNumber("mmap_lock.trylock_acquires", s.TrylockAcquires);
        AddNumber("mmap_lock.failed_trylocks", s.FailedTrylocks);
        AddNumber("mmap_lock.failed_locks", s.FailedLocks);
        AddNumber("mmap_lock.downgrades", s.Downgrades);
        AddNumber("mmap_lock.unmatched_releases", s.UnmatchedReleases);
        AddArray("mmap_lock.top_blockers");
        AddArray("mmap_lock.tasks");
        AddArray("mmap_lock.mms");
    }

    private void AddModes(string path, Func<LockMode, DurationDistribution> of)
    {
        AddDistribution(path + ".read", of(LockMode.Read));
        AddDistribution(path + ".write", of(LockMode.Write));
    }

    private void AddTransactions(TransactionStatistics t)
    {
        AddNumber("transactions.count", t.Count);
        AddNumber("transactions.replies", t.Replies);
        AddNumber("transactions.oneway", t.OneWay);
        AddNumber("transactions.pages_installed", t.PagesInstalled);
        AddNumber("transactions.with_page_installs", t.WithPageInstalls);
        AddDistribution("transactions.buffer_bytes", t.BufferBytes);
        AddDistribution("transactions.delivery_ns", t.DeliveryNs);
        AddDistribution("transactions.round_trip_ns", t.RoundTripNs);
    }

    private void AddFingerprint(DesignFingerprint f)
    {
        var e = f.Evidence;
        AddText("fingerprint.design", f.DesignName);
        AddText("fingerprint.reason", f.Reason);
        AddNumber("fingerprint.evidence.install_windows", e.InstallWindows);
        AddNumber("fingerprint.evidence.windows_inside_write_hold", e.InstallWindowsInsideWriteHold);
        AddNumber("fingerprint.evidence.windows_inside_read_hold", e.InstallWindowsInsideReadHold);
        AddNumber("fingerprint.evidence.windows_with_write_lock_inside", e.InstallWindowsWithWriteLockInside);
        AddNumber("fingerprint.evidence.windows_with_read_lock_inside", e.InstallWindowsWithReadLockInside);
        AddNumber("fingerprint.evidence.windows_without_lock", e.InstallWindowsWithoutLock);
        AddNumber("fingerprint.evidence.receiver_read_locks_after_install", e.ReceiverReadLocksAfterInstall);
        AddNumber("fingerprint.evidence.write_holds_enclosing_several_windows", e.WriteHoldsEnclosingSeveralWindows);
        AddNumber("fingerprint.evidence.update_page_range_events", e.UpdatePageRangeEvents);
        AddNumber("fingerprint.evidence.update_page_range_zero_size", e.UpdatePageRangeZeroSize);
        AddNumber("fingerprint.evidence.update_page_range_wrapped", e.UpdatePageRangeWrapped);
        AddText("fingerprint.evidence.lru_add_order", e.LruAddOrder.ToString());
        AddText("fingerprint.evidence.unmap_order", e.UnmapOrder.ToString());
        AddText("fingerprint.evidence.memcg_form", e.MemcgForm.ToString());
        AddText("fingerprint.evidence.install_shape", e.DominantInstallAllocationShape);
        AddText("fingerprint.evidence.shrink_shape", e.DominantShrinkPageShape);
    }

    private void AddDataQuality(TraceReport report)
    {
        var d = report.Diagnostics;
        AddNumber("data_quality.lines_read", d.LinesRead);
        AddNumber("data_quality.unparsed_lines", d.UnparsedLines);
        AddNumber("data_quality.malformed_payloads", d.MalformedPayloads);
        AddNumber("data_quality.lost_event_markers", d.LostEventMarkers);
        AddNumber("data_quality.lost_events", d.LostEvents);
        AddNumber("data_quality.lost_event_markers_without_count", d.LostEventMarkersWithoutCount);
        AddNumber("data_quality.reordered_events", d.ReorderedEvents);
        AddNumber("data_quality.late_events", d.LateEvents);
        AddNumber("data_quality.lost_data_bytes", d.LostDataBytes);
        AddBoolean("data_quality.truncated", d.Truncated);
        AddText("data_quality.input_damage", d.InputDamage);
        AddObject("data_quality.analysis");
        foreach (var (name, count) in report.Counters.All)
        {
            AddNumber("data_quality.analysis." + name, count);
        }

        AddArray("data_quality.table");
    }
}
