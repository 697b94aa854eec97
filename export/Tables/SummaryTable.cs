using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Export.Tables;

/// <summary>
/// The <c>summary</c> table: one row per trace with the report's headline metrics, named after the
/// <c>report --json</c> fields they copy (pages.*, mmap_lock.*, transactions.*, fingerprint.design). A
/// distribution becomes <c>&lt;name&gt;_count</c>, <c>_p50</c>, <c>_p90</c>, <c>_p99</c>, <c>_max</c>; its quantiles
/// and max are null when it is empty, so an absent lock mode never reads as a zero-length hold.
/// </summary>
internal static class SummaryTable
{
    public const string Name = "summary";

    public static TableDefinition<TraceReport> Define()
    {
        var table = new TableDefinition<TraceReport>(Name)
            .String("format", static (in TraceReport r) => r.Source.Format.ToString(), dictionary: true)
            .String("clock", static (in TraceReport r) => r.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns", dictionary: true)
            .Int64("event_count", static (in TraceReport r) => r.Events)
            .Timestamp("first_ts_ns", static (in TraceReport r, out long v) => Known(r.FirstTimestamp, out v))
            .Timestamp("last_ts_ns", static (in TraceReport r, out long v) => Known(r.LastTimestamp, out v))
            .String("design", static (in TraceReport r) => r.Fingerprint.DesignName, dictionary: true)
            .Int64("page_installs", static (in TraceReport r) => r.Pages.Installs)
            .Int64("page_raced_installs", static (in TraceReport r) => r.Pages.RacedInstalls)
            .Int64("page_lru_adds", static (in TraceReport r) => r.Pages.LruAdds)
            .Int64("page_lru_removes", static (in TraceReport r) => r.Pages.LruRemoves)
            .Int64("page_reclaims", static (in TraceReport r) => r.Pages.Reclaims)
            .Int64("page_reinstalls_after_reclaim", static (in TraceReport r) => r.Pages.ReinstallsAfterReclaim)
            .Int64("page_range_updates", static (in TraceReport r) => r.PageRangeUpdates)
            .Int32("peak_installed_pages", static (in TraceReport r) => r.Pages.PeakResident);
        Distribution(table, "page_install_ns", static r => r.Pages.InstallNs);
        foreach (var mode in new[] { LockMode.Read, LockMode.Write })
        {
            var m = LockModeNames.Of(mode);
            Distribution(table, $"hold_{m}_ns", r => r.Locks.HoldNs(mode));
            Distribution(table, $"wait_{m}_ns", r => r.Locks.WaitNs(mode));
            Distribution(table, $"binder_hold_{m}_ns", r => r.Locks.BinderHoldNs(mode));
            Distribution(table, $"binder_wait_{m}_ns", r => r.Locks.BinderWaitNs(mode));
        }

        table
            .Int64("transactions", static (in TraceReport r) => r.Transactions.Count)
            .Int64("transaction_replies", static (in TraceReport r) => r.Transactions.Replies)
            .Int64("transactions_oneway", static (in TraceReport r) => r.Transactions.OneWay)
            .Int64("transaction_pages_installed", static (in TraceReport r) => r.Transactions.PagesInstalled)
            .Int64("lost_events", static (in TraceReport r) => r.Diagnostics.LostEvents)
            .Int64("unparsed_lines", static (in TraceReport r) => r.Diagnostics.UnparsedLines);
        return table;
    }

    private static void Distribution(TableDefinition<TraceReport> table, string name, Func<TraceReport, DurationDistribution> of)
    {
        var stem = name[..^3]; // "hold_write_ns" → "hold_write", so columns read hold_write_p99_ns
        table.Int64(stem + "_count", (in TraceReport r) => of(r).Count);
        foreach (var (suffix, p) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99) })
        {
            table.Int64($"{stem}_{suffix}_ns", (in TraceReport r, out long v) => NonEmpty(of(r), d => d.Quantile(p), out v));
        }

        table.Int64(stem + "_max_ns", (in TraceReport r, out long v) => NonEmpty(of(r), d => d.Max, out v));
    }

    private static bool NonEmpty(DurationDistribution d, Func<DurationDistribution, long> value, out long v)
    {
        v = d.Count > 0 ? value(d) : 0;
        return d.Count > 0;
    }

    private static bool Known(long value, out long v)
    {
        v = value;
        return value >= 0;
    }
}
