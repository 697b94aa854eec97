using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Cli.Rendering;

/// <summary>The <c>pages</c> command's tables: one row per page (its life in the trace) or one row per state interval.</summary>
internal static class PageTables
{
    public static readonly IReadOnlyList<TableColumn> SummaryColumns =
    [
        new("proc", 7, true), new("page", 6, true), new("final_state", 11, false), new("installs", 8, true),
        new("lru_adds", 8, true), new("lru_removes", 11, true), new("reclaims", 8, true),
        new("reinstalls_after_reclaim", 24, true), new("active_ns", 14, true), new("lru_ns", 14, true),
    ];

    public static readonly IReadOnlyList<TableColumn> IntervalColumns =
    [
        new("proc", 7, true), new("page", 6, true), new("state", 6, false), new("start_ns", 16, true),
        new("end_ns", 16, true), new("duration_ns", 14, true),
    ];

    /// <summary>Writes per-page rows ordered by process and page index.</summary>
    public static void WriteSummaries(RowTableWriter table, IEnumerable<PageSummary> pages)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(pages);
        foreach (var p in pages.OrderBy(p => p.Proc).ThenBy(p => p.PageIndex))
        {
            table.Add(p.Proc);
            table.Add(p.PageIndex);
            table.Add(StateName(p.FinalState));
            table.Add(p.Installs);
            table.Add(p.LruAdds);
            table.Add(p.LruRemoves);
            table.Add(p.Reclaims);
            table.Add(p.ReinstallsAfterReclaim);
            table.Add(p.ActiveNs);
            table.Add(p.LruNs);
            table.EndRow();
        }
    }

    public static string StateName(PageState state) => state switch
    {
        PageState.Active => "active",
        PageState.Lru => "lru",
        _ => "free",
    };
}

/// <summary>Streams every <see cref="PageInterval"/> into a table as the analysis closes it (-1 = outside the trace).</summary>
internal sealed class PageIntervalTableSink(RowTableWriter table) : IAnalysisSink
{
    public void OnPageInterval(in PageInterval interval)
    {
        table.Add(interval.Proc);
        table.Add(interval.PageIndex);
        table.Add(PageTables.StateName(interval.State));
        table.Add(interval.StartNs);
        table.Add(interval.EndNs);
        table.Add(interval.DurationNs);
        table.EndRow();
    }

    public void OnLockHold(in MmapLockHold hold)
    {
    }

    public void OnLockWait(in MmapLockWait wait)
    {
    }

    public void OnTransaction(TransactionRecord transaction)
    {
    }
}
