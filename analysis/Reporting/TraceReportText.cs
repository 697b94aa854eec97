using System.Globalization;
using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// <c>bindertrace report</c> as one screen of plain text: pages, mmap_lock per mode with binder's share,
/// top blockers, transactions, fingerprint and data quality. Culture-invariant; no colour (the CLI decides).
/// </summary>
public static class TraceReportText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Write(TextWriter output, TraceReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var span = report.LastTimestamp >= report.FirstTimestamp && report.FirstTimestamp >= 0
            ? Duration(report.LastTimestamp - report.FirstTimestamp)
            : "-";
        output.WriteLine(string.Create(Invariant, $"{report.Source.SourceName}: {report.Events} events over {span}{(report.ProcFilter is { } p ? $", binder proc {p}" : "")}{(report.Focus is { } f ? $", {f}" : "")}"));
        output.WriteLine(string.Create(Invariant, $"design: {report.Fingerprint.DesignName} ({report.Fingerprint.Reason})"));
        TraceReportFocusText.WriteProcesses(output, report);
        TraceReportFocusText.WritePhases(output, report);
        output.WriteLine();

        var pages = report.Pages;
        output.WriteLine(string.Create(Invariant, $"pages  installs {pages.Installs} (raced {pages.RacedInstalls})  lru adds {pages.LruAdds}  lru removes {pages.LruRemoves}  reclaims {pages.Reclaims}  reinstalls after reclaim {pages.ReinstallsAfterReclaim}"));
        output.WriteLine(string.Create(Invariant, $"       installed at end {pages.Resident} (active {pages.Active}, lru {pages.Lru})  peak installed {pages.PeakResident}  peak lru {pages.PeakLru}  procs {report.PagesByProcess.Count}"));
        output.WriteLine(DistributionHeader("latency"));
        output.WriteLine(DistributionRow("install", pages.InstallNs));
        output.WriteLine(DistributionRow("lru dwell", pages.LruDwellNs));
        output.WriteLine(DistributionRow("reclaim", pages.ReclaimNs));
        output.WriteLine(DistributionRow("reclaim->reinstall", pages.ReinstallAfterReclaimNs));
        output.WriteLine();

        var locks = report.Locks;
        output.WriteLine(string.Create(Invariant, $"mmap_lock  {report.LocksByMm.Count} mm(s)  trylocks {locks.TrylockAcquires} (failed {locks.FailedTrylocks})  downgrades {locks.Downgrades}  failed after start_locking {locks.FailedLocks}"));
        output.WriteLine(DistributionHeader("mmap_lock"));
        foreach (var mode in (ReadOnlySpan<LockMode>)[LockMode.Read, LockMode.Write])
        {
            var name = LockModeNames.Of(mode);
            output.WriteLine(DistributionRow($"wait {name}", locks.WaitNs(mode)));
            output.WriteLine(DistributionRow($"  binder", locks.BinderWaitNs(mode)));
            output.WriteLine(DistributionRow($"hold {name}", locks.HoldNs(mode)));
            output.WriteLine(DistributionRow($"  binder", locks.BinderHoldNs(mode)));
        }

        var holdTotal = locks.HoldNs(LockMode.Read).Total + locks.HoldNs(LockMode.Write).Total;
        var binderHold = locks.BinderHoldNs(LockMode.Read).Total + locks.BinderHoldNs(LockMode.Write).Total;
        var blocked = locks.BlockedByBinderNs + locks.BlockedByOtherNs;
        output.WriteLine(string.Create(Invariant, $"binder share  hold time {Percent(binderHold, holdTotal)}  write hold time {Percent(locks.BinderHoldNs(LockMode.Write).Total, locks.HoldNs(LockMode.Write).Total)}  others' wait overlap with binder holds {Percent(locks.BlockedByBinderNs, blocked)} ({Duration(locks.BlockedByBinderNs)} of {Duration(blocked)})"));
        foreach (var mm in report.LocksByMm.Where(m => m.HasBinderActivity).Take(3))
        {
            output.WriteLine(string.Create(Invariant, $"  mm {TraceReportJson.Hex(mm.Mm)} (binder proc {mm.OwnerProc}): {MmUsers(mm, LockMode.Write)}; {MmUsers(mm, LockMode.Read)}"));
        }

        if (report.TopBlockers.Count > 0)
        {
            output.WriteLine("top blockers (holder overlapping conflicting waits of other tasks)");
            foreach (var b in report.TopBlockers.Take(5))
            {
                output.WriteLine(string.Create(Invariant, $"  {b.Comm}-{b.Pid,-7} {LockModeNames.Of(b.Mode),-5} {(b.Binder ? "binder" : "other"),-6} mm {TraceReportJson.Hex(b.Mm)}  blocked {b.WaitsBlocked} waits for {Duration(b.BlockedNs)}"));
            }
        }

        output.WriteLine();
        var t = report.Transactions;
        output.WriteLine(string.Create(Invariant, $"transactions  {t.Count} (replies {t.Replies}, one-way {t.OneWay})  pages installed {t.PagesInstalled} by {t.WithPageInstalls} transactions  buffer bytes p50 {t.BufferBytes.Quantile(0.5)} max {t.BufferBytes.Max}"));
        output.WriteLine(DistributionRow("delivery", t.DeliveryNs));
        output.WriteLine(DistributionRow("round trip", t.RoundTripNs));
        output.WriteLine();

        var ev = report.Fingerprint.Evidence;
        output.WriteLine(string.Create(Invariant, $"fingerprint evidence  install windows {ev.InstallWindows}: inside write hold {ev.InstallWindowsInsideWriteHold}, inside read hold {ev.InstallWindowsInsideReadHold}, write inside {ev.InstallWindowsWithWriteLockInside}, read inside {ev.InstallWindowsWithReadLockInside}, no lock {ev.InstallWindowsWithoutLock}; receiver read locks after installs {ev.ReceiverReadLocksAfterInstall}"));
        output.WriteLine(string.Create(Invariant, $"  update_page_range {ev.UpdatePageRangeEvents} (size 0: {ev.UpdatePageRangeZeroSize}, wrapped: {ev.UpdatePageRangeWrapped})  lru add order {ev.LruAddOrder}  unmap order {ev.UnmapOrder}  memcg {ev.MemcgForm}"));
        output.WriteLine();

        var d = report.Diagnostics;
        output.WriteLine(string.Create(Invariant, $"data quality  unparsed lines {d.UnparsedLines}  malformed {d.MalformedPayloads}  lost events {(d.LostEventCountKnown ? "" : "unknown, at least ")}{d.LostEvents} ({d.LostEventMarkers} markers)  reordered {d.ReorderedEvents}  late {d.LateEvents}{(d.Truncated ? "  TRUNCATED" : "")}"));
        if (d.InputDamage is not null)
        {
            output.WriteLine("  input damaged: " + d.InputDamage);
        }

        foreach (var entry in report.DataQuality.Entries)
        {
            output.WriteLine(string.Create(Invariant, $"  {DataQualityTable.SeverityName(entry.Counter.Severity),-9} {entry.Counter.Name} {entry.Value}: {entry.Counter.Description}"));
        }
    }

    /// <summary>A duration in the largest unit that keeps it readable: 950ns, 12.3us, 4.56ms, 1.234s.</summary>
    public static string Duration(long ns) => ns switch
    {
        < 1_000 => string.Create(Invariant, $"{ns}ns"),
        < 1_000_000 => string.Create(Invariant, $"{ns / 1e3:0.0}us"),
        < 1_000_000_000 => string.Create(Invariant, $"{ns / 1e6:0.00}ms"),
        _ => string.Create(Invariant, $"{ns / 1e9:0.000}s"),
    };

    /// <summary>"write holds binder 12 (1.2ms) / other 40 (8.0ms)" for one mm: binder against the mm's other users.</summary>
    private static string MmUsers(MmLockStatistics mm, LockMode mode)
    {
        var all = mm.HoldNs(mode);
        var binder = mm.BinderHoldNs(mode);
        return string.Create(Invariant, $"{LockModeNames.Of(mode)} holds binder {binder.Count} ({Duration(binder.Total)}) / other {all.Count - binder.Count} ({Duration(all.Total - binder.Total)})");
    }

    private static string Percent(long part, long whole) =>
        whole <= 0 ? "-" : string.Create(Invariant, $"{100.0 * part / whole:0.0}%");

    private static string DistributionHeader(string title) =>
        string.Create(Invariant, $"  {title,-20} {"count",8} {"total",10} {"min",9} {"p50",9} {"p90",9} {"p99",9} {"max",9}");

    private static string DistributionRow(string name, DurationDistribution d) => d.Count == 0
        ? string.Create(Invariant, $"  {name,-20} {0,8}")
        : string.Create(Invariant, $"  {name,-20} {d.Count,8} {Duration(d.Total),10} {Duration(d.Min),9} {Duration(d.Quantile(0.5)),9} {Duration(d.Quantile(0.9)),9} {Duration(d.Quantile(0.99)),9} {Duration(d.Max),9}");
}
