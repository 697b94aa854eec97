using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Pictures.Collect;

namespace BinderTrace.Pictures.Html;

/// <summary>
/// <c>report --html</c>: one self-contained page with the report's numbers and its pictures. Every number that
/// <c>report --json</c> also prints carries that value's JSON path in a <c>data-json</c> attribute.
/// </summary>
public static class HtmlReportWriter
{
    private const string AllColour = "#4e79a7";
    private const string BinderColour = "#b07aa1";
    private const string OtherColour = "#f28e2b";

    public static void Write(TextWriter output, TraceReport report, ReportPictureSink picture)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(picture);
        HtmlPage.Begin(output, $"BinderTrace report: {report.Source.SourceName}");
        WriteHeader(output, report);
        WritePages(output, report, picture);
        WriteLocks(output, report, picture);
        WriteDistributions(output, report, picture);
        WriteFingerprint(output, report);
        WriteTransactions(output, report);
        WriteDataQuality(output, report);
        WriteDownsampling(output, picture);
        HtmlPage.End(output);
    }

    private static void WriteHeader(TextWriter output, TraceReport report)
    {
        var unit = report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns";
        output.Write($"<h1>BinderTrace report</h1><p>Source <b data-json=\"source\">{HtmlPage.Escape(report.Source.SourceName)}</b>, ");
        output.Write($"<b data-json=\"event_count\">{HtmlPage.Number(report.Events)}</b> events from ");
        output.Write($"<span data-json=\"first_ts_{unit}\">{HtmlPage.Number(report.FirstTimestamp)}</span> to <span data-json=\"last_ts_{unit}\">{HtmlPage.Number(report.LastTimestamp)}</span> {unit}");
        output.Write(report.ProcFilter is { } proc ? $", binder process <span data-json=\"proc\">{HtmlPage.Number(proc)}</span> only" : "");
        output.Write($". Allocator design: <b data-json=\"fingerprint.design\">{HtmlPage.Escape(report.Fingerprint.DesignName)}</b>.</p>\n");
        if (report.Source.Clock == TraceClockKind.Ticks)
        {
            output.Write("<p class=\"note\">This trace's clock counts ticks, not nanoseconds: every time and duration on this page is in ticks.</p>");
        }
    }

    private static void WritePages(TextWriter output, TraceReport report, ReportPictureSink picture)
    {
        output.Write("<h2>Pages</h2><table><tr><th class=\"l\">binder process</th><th>installs</th><th>raced</th><th>LRU adds</th><th>LRU removes</th><th>reclaims</th><th>reinstalls after reclaim</th><th>active at end</th><th>LRU at end</th><th>peak installed</th><th>peak LRU</th></tr>");
        WritePageRow(output, "all", "pages", report.Pages);
        for (var i = 0; i < report.PagesByProcess.Count; i++)
        {
            WritePageRow(output, HtmlPage.Number(report.PagesByProcess[i].Proc), $"pages.processes.{i}", report.PagesByProcess[i]);
        }

        output.Write($"</table><p>binder_update_page_range events: <span data-json=\"pages.page_range_updates\">{HtmlPage.Number(report.PageRangeUpdates)}</span></p>");
        output.Write("<p class=\"note\">Resident pages over time (ACTIVE and LRU stacked), the trace's <code>tracing_mark_write</code> markers as labelled bands, installs (FREE→ACTIVE) and reclaims (→FREE) counted per time bin beneath.</p>");
        for (var i = 0; i < report.PagesByProcess.Count; i++)
        {
            var proc = report.PagesByProcess[i].Proc;
            PageChart.Write(output, report, i, picture.Installs.GetValueOrDefault(proc), picture.Reclaims.GetValueOrDefault(proc));
        }
    }

    private static void WritePageRow(TextWriter output, string label, string path, ProcessPageStatistics p)
    {
        output.Write("<tr>");
        HtmlPage.TextCell(output, label);
        HtmlPage.JsonCell(output, path + ".installs", p.Installs);
        HtmlPage.JsonCell(output, path + ".raced_installs", p.RacedInstalls);
        HtmlPage.JsonCell(output, path + ".lru_adds", p.LruAdds);
        HtmlPage.JsonCell(output, path + ".lru_removes", p.LruRemoves);
        HtmlPage.JsonCell(output, path + ".reclaims", p.Reclaims);
        HtmlPage.JsonCell(output, path + ".reinstalls_after_reclaim", p.ReinstallsAfterReclaim);
        HtmlPage.JsonCell(output, path + ".active_at_end", p.Active);
        HtmlPage.JsonCell(output, path + ".lru_at_end", p.Lru);
        HtmlPage.JsonCell(output, path + ".peak_installed", p.PeakResident);
        HtmlPage.JsonCell(output, path + ".peak_lru", p.PeakLru);
        output.Write("</tr>");
    }

    private static void WriteLocks(TextWriter output, TraceReport report, ReportPictureSink picture)
    {
        output.Write("<h2>mmap_lock</h2><table><tr><th class=\"l\">what</th><th>count</th><th>total ns</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>");
        foreach (var (name, mode) in (ReadOnlySpan<(string, LockMode)>)[("read", LockMode.Read), ("write", LockMode.Write)])
        {
            WriteDistributionRow(output, $"{name} hold", $"mmap_lock.hold_ns.{name}", report.Locks.HoldNs(mode));
            WriteDistributionRow(output, $"{name} hold, binder", $"mmap_lock.binder.hold_ns.{name}", report.Locks.BinderHoldNs(mode));
            WriteDistributionRow(output, $"{name} wait", $"mmap_lock.wait_ns.{name}", report.Locks.WaitNs(mode));
            WriteDistributionRow(output, $"{name} wait, binder", $"mmap_lock.binder.wait_ns.{name}", report.Locks.BinderWaitNs(mode));
        }

        output.Write("</table>");
        output.Write($"<p>Time others waited behind binder's holds: <span data-json=\"mmap_lock.binder.blocked_others_ns\">{HtmlPage.Number(report.Locks.BlockedByBinderNs)}</span> ns; behind other holders: <span data-json=\"mmap_lock.other.blocked_others_ns\">{HtmlPage.Number(report.Locks.BlockedByOtherNs)}</span> ns.</p>");
        output.Write("<h3>Top blockers</h3><table><tr><th class=\"l\">comm</th><th>pid</th><th class=\"l\">mm</th><th class=\"l\">mode</th><th class=\"l\">binder</th><th>waits blocked</th><th>blocked ns</th></tr>");
        for (var i = 0; i < report.TopBlockers.Count; i++)
        {
            var b = report.TopBlockers[i];
            var path = $"mmap_lock.top_blockers.{i}";
            output.Write("<tr>");
            HtmlPage.TextCell(output, b.Comm, path + ".comm");
            HtmlPage.JsonCell(output, path + ".pid", b.Pid);
            HtmlPage.TextCell(output, TraceReportJson.Hex(b.Mm), path + ".mm");
            HtmlPage.TextCell(output, LockModeNames.Of(b.Mode), path + ".mode");
            HtmlPage.TextCell(output, b.Binder ? "true" : "false", path + ".binder");
            HtmlPage.JsonCell(output, path + ".waits_blocked", b.WaitsBlocked);
            HtmlPage.JsonCell(output, path + ".blocked_ns", b.BlockedNs);
            output.Write("</tr>");
        }

        output.Write("</table><h3>Holds and waits per task</h3>");
        LockGantt.Write(output, report, picture);
    }

    private static void WriteDistributionRow(TextWriter output, string label, string path, DurationDistribution d)
    {
        output.Write("<tr>");
        HtmlPage.TextCell(output, label);
        HtmlPage.JsonCell(output, path + ".count", d.Count);
        HtmlPage.JsonCell(output, path + ".total", d.Total);
        HtmlPage.JsonCell(output, path + ".min", d.Min);
        HtmlPage.JsonCell(output, path + ".p50", d.Quantile(0.50));
        HtmlPage.JsonCell(output, path + ".p90", d.Quantile(0.90));
        HtmlPage.JsonCell(output, path + ".p99", d.Quantile(0.99));
        HtmlPage.JsonCell(output, path + ".max", d.Max);
        output.Write("</tr>");
    }

    private static void WriteDistributions(TextWriter output, TraceReport report, ReportPictureSink picture)
    {
        output.Write("<h2>Latency distributions</h2><p class=\"note\">Cumulative distributions on a log axis; dots mark p50, p90 and p99 (hover for exact ns). \"others\" are the holds and waits of tasks not doing binder page work at the time.</p>");
        DistributionChart.Write(output, "page install (binder_alloc_page_start→end)", [new("all", AllColour, report.Pages.InstallNs, "pages.install_ns")]);
        DistributionChart.Write(output, "LRU dwell", [new("all", AllColour, report.Pages.LruDwellNs, "pages.lru_dwell_ns")]);
        foreach (var (name, mode) in (ReadOnlySpan<(string, LockMode)>)[("read", LockMode.Read), ("write", LockMode.Write)])
        {
            DistributionChart.Write(output, $"mmap_lock {name} hold",
            [
                new("all", AllColour, report.Locks.HoldNs(mode), $"mmap_lock.hold_ns.{name}"),
                new("binder", BinderColour, report.Locks.BinderHoldNs(mode), $"mmap_lock.binder.hold_ns.{name}"),
                new("others", OtherColour, picture.OtherHoldNs(mode), null),
            ]);
            DistributionChart.Write(output, $"mmap_lock {name} wait",
            [
                new("all", AllColour, report.Locks.WaitNs(mode), $"mmap_lock.wait_ns.{name}"),
                new("binder", BinderColour, report.Locks.BinderWaitNs(mode), $"mmap_lock.binder.wait_ns.{name}"),
                new("others", OtherColour, picture.OtherWaitNs(mode), null),
            ]);
        }
    }

    private static void WriteFingerprint(TextWriter output, TraceReport report)
    {
        var f = report.Fingerprint;
        var e = f.Evidence;
        output.Write($"<h2>Allocator design fingerprint</h2><p><b data-json=\"fingerprint.design\">{HtmlPage.Escape(f.DesignName)}</b>: <span data-json=\"fingerprint.reason\">{HtmlPage.Escape(f.Reason)}</span></p><table>");
        Row(output, "install windows", "fingerprint.evidence.install_windows", e.InstallWindows);
        Row(output, "windows inside a write hold", "fingerprint.evidence.windows_inside_write_hold", e.InstallWindowsInsideWriteHold);
        Row(output, "windows inside a read hold", "fingerprint.evidence.windows_inside_read_hold", e.InstallWindowsInsideReadHold);
        Row(output, "windows with a write lock inside", "fingerprint.evidence.windows_with_write_lock_inside", e.InstallWindowsWithWriteLockInside);
        Row(output, "windows with a read lock inside", "fingerprint.evidence.windows_with_read_lock_inside", e.InstallWindowsWithReadLockInside);
        Row(output, "windows without lock", "fingerprint.evidence.windows_without_lock", e.InstallWindowsWithoutLock);
        Row(output, "write holds enclosing several windows", "fingerprint.evidence.write_holds_enclosing_several_windows", e.WriteHoldsEnclosingSeveralWindows);
        Row(output, "update_page_range events", "fingerprint.evidence.update_page_range_events", e.UpdatePageRangeEvents);
        Row(output, "update_page_range size 0", "fingerprint.evidence.update_page_range_zero_size", e.UpdatePageRangeZeroSize);
        Row(output, "update_page_range wrapped", "fingerprint.evidence.update_page_range_wrapped", e.UpdatePageRangeWrapped);
        TextRow(output, "LRU add order", "fingerprint.evidence.lru_add_order", e.LruAddOrder.ToString());
        TextRow(output, "unmap order", "fingerprint.evidence.unmap_order", e.UnmapOrder.ToString());
        TextRow(output, "memcg form", "fingerprint.evidence.memcg_form", e.MemcgForm.ToString());
        TextRow(output, "install shape", "fingerprint.evidence.install_shape", e.DominantInstallAllocationShape);
        TextRow(output, "shrink shape", "fingerprint.evidence.shrink_shape", e.DominantShrinkPageShape);
        output.Write("</table>");
    }

    private static void WriteTransactions(TextWriter output, TraceReport report)
    {
        var t = report.Transactions;
        output.Write("<h2>Transactions</h2><table>");
        Row(output, "transactions", "transactions.count", t.Count);
        Row(output, "replies", "transactions.replies", t.Replies);
        Row(output, "one-way", "transactions.oneway", t.OneWay);
        Row(output, "pages installed", "transactions.pages_installed", t.PagesInstalled);
        Row(output, "with page installs", "transactions.with_page_installs", t.WithPageInstalls);
        output.Write("</table><table><tr><th class=\"l\">what</th><th>count</th><th>total</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>");
        WriteDistributionRow(output, "buffer bytes", "transactions.buffer_bytes", t.BufferBytes);
        WriteDistributionRow(output, "delivery ns", "transactions.delivery_ns", t.DeliveryNs);
        WriteDistributionRow(output, "round trip ns", "transactions.round_trip_ns", t.RoundTripNs);
        output.Write("</table>");
    }

    private static void WriteDataQuality(TextWriter output, TraceReport report)
    {
        var d = report.Diagnostics;
        output.Write("<h2>Data quality</h2><table>");
        Row(output, "lines read", "data_quality.lines_read", d.LinesRead);
        Row(output, "unparsed lines", "data_quality.unparsed_lines", d.UnparsedLines);
        Row(output, "malformed payloads", "data_quality.malformed_payloads", d.MalformedPayloads);
        Row(output, "lost-event markers", "data_quality.lost_event_markers", d.LostEventMarkers);
        Row(output, "lost events", "data_quality.lost_events", d.LostEvents);
        Row(output, "reordered events", "data_quality.reordered_events", d.ReorderedEvents);
        Row(output, "late events", "data_quality.late_events", d.LateEvents);
        TextRow(output, "truncated", "data_quality.truncated", d.Truncated ? "true" : "false");
        foreach (var (name, count) in report.Counters.All.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Row(output, name, $"data_quality.analysis.{name}", count);
        }

        output.Write("</table>");
    }

    private static void WriteDownsampling(TextWriter output, ReportPictureSink picture)
    {
        output.Write("<h2>How this page was drawn</h2><p class=\"note\">");
        output.Write($"Gantt: of <span id=\"holds-offered\">{HtmlPage.Number(picture.Holds.Offered)}</span> holds and <span id=\"waits-offered\">{HtmlPage.Number(picture.Waits.Offered)}</span> waits (of the focused events), the {HtmlPage.Number(picture.Holds.Capacity)} longest of each are drawn");
        output.Write(picture.Holds.Threshold > 0 || picture.Waits.Threshold > 0
            ? $" (shorter than {HtmlPage.Number(picture.Holds.Threshold)} ns for holds and {HtmlPage.Number(picture.Waits.Threshold)} ns for waits are left out); "
            : " (all of them here); ");
        output.Write($"bars narrower than a pixel are widened to one. Page counts: the report's series of at most {PageCountSeries.Capacity} samples per process (evenly thinned over the trace's span). ");
        output.Write("Installs and reclaims: counted per time bin, the bin width doubling until at most 400 bins remain. ");
        output.Write("Distributions: each curve is read at 200 evenly spaced quantiles of the same distribution the tables print. ");
        output.Write("Every count, total and quantile in the tables is exact as <code>report --json</code> prints it.</p>");
    }

    private static void Row(TextWriter output, string label, string path, long value)
    {
        output.Write("<tr>");
        HtmlPage.TextCell(output, label);
        HtmlPage.JsonCell(output, path, value);
        output.Write("</tr>");
    }

    private static void TextRow(TextWriter output, string label, string path, string value)
    {
        output.Write("<tr>");
        HtmlPage.TextCell(output, label);
        HtmlPage.TextCell(output, value, path);
        output.Write("</tr>");
    }
}
