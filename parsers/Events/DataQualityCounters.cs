namespace BinderTrace.Events;

/// <summary>How much a non-zero counter says about the trust in a trace's numbers.</summary>
public enum DataQualitySeverity
{
    /// <summary>Normal in real traces (work cut by the trace's start or end, events moved into order): reported, never refused.</summary>
    Info,

    /// <summary>Events the kernel or the input lost: numbers are lower bounds and timelines have gaps.</summary>
    DataLoss,

    /// <summary>Input the reader or the analysis could not interpret: something measured may be wrong.</summary>
    Error,
}

/// <summary>Where a counter is filled: the trace reader (<see cref="TraceDiagnostics"/>) or the analysis' trackers.</summary>
public enum DataQualitySource
{
    Reader,
    Analysis,
}

/// <summary>One named counter of the data-quality table: a stable snake_case name, its severity and one line saying what it counts.</summary>
public sealed record DataQualityCounter(string Name, DataQualitySource Source, DataQualitySeverity Severity, string Description);

/// <summary>
/// The catalogue of data-quality counters, in the way of Perfetto's stats table: every counter a reader or the
/// analysis fills is here once, with its severity and description, so <c>stats</c>, <c>report</c>, <c>gate</c>
/// and <c>export</c> show and judge the same table.
/// </summary>
public static class DataQualityCounters
{
    private static readonly DataQualityCounter[] Reader =
    [
        new("unparsed_lines", DataQualitySource.Reader, DataQualitySeverity.Error, "lines that were neither events, comments nor known special lines; skipped"),
        new("malformed_payloads", DataQualitySource.Reader, DataQualitySeverity.Error, "typed events whose payload did not have the expected fields; kept as generic events"),
        new("late_events", DataQualitySource.Reader, DataQualitySeverity.Error, "events too late for the bounded reorder window; analysed out of order, where they arrived"),
        new("lost_events", DataQualitySource.Reader, DataQualitySeverity.DataLoss, "events the kernel reported lost (the sum of the counts in lost-event markers)"),
        new("lost_event_markers", DataQualitySource.Reader, DataQualitySeverity.DataLoss, "lost-event markers seen (CPU:N [LOST M EVENTS], trace-cmd's EVENTS DROPPED)"),
        new("lost_event_markers_without_count", DataQualitySource.Reader, DataQualitySeverity.DataLoss, "lost-event markers that did not say how many: lost_events is then a lower bound"),
        new("lost_data_bytes", DataQualitySource.Reader, DataQualitySeverity.DataLoss, "bytes of binary trace data (damaged pages or chunks, or cut off by the end of the file) that could not be decoded"),
        new("truncated", DataQualitySource.Reader, DataQualitySeverity.DataLoss, "1 when the input ended inside a line or inside a compressed stream"),
        new("reordered_events", DataQualitySource.Reader, DataQualitySeverity.Info, "events printed after a later timestamp and moved into time order"),
    ];

    private static readonly DataQualityCounter[] Analysis =
    [
        Info("page_operations_open_at_trace_end", "page operations (install, LRU move, unmap) that started but had not ended when the trace ended"),
        Loss("page_operations_uncertain_after_lost_events", "open page operations dropped because events were lost while they ran"),
        Error("page_index_out_of_range", "page events whose page index is negative or beyond 2^31; ignored"),
        Error("install_of_lru_page", "page installs of a page the trace had on the LRU freelist"),
        Info("pages_first_seen_active", "pages whose first event needed them in use: installed before the trace began"),
        Info("pages_first_seen_on_lru", "pages whose first event needed them on the LRU: put there before the trace began"),
        Error("lru_add_of_lru_page", "LRU additions of a page already on the LRU"),
        Info("lru_add_of_free_page", "LRU additions of a page not known to be installed (installed before the trace began, or events lost)"),
        Error("lru_remove_of_active_page", "LRU removals of a page that was in use, not on the LRU"),
        Info("lru_remove_of_free_page", "LRU removals of a page not known to be installed"),
        Error("reclaim_of_active_page", "reclaims of a page that was in use, not on the LRU"),
        Info("reclaim_of_free_page", "reclaims of a page not known to be installed"),
        Info("lock_waits_open_at_trace_end", "mmap_lock waits still waiting when the trace ended"),
        Info("lock_holds_open_at_trace_end", "mmap_lock holds still held when the trace ended"),
        Loss("lock_waits_uncertain_after_lost_events", "mmap_lock waits dropped because events were lost while they waited"),
        Loss("lock_holds_uncertain_after_lost_events", "mmap_lock holds dropped because events were lost while they were held"),
        Info("lock_start_without_acquire", "mmap_lock waits dropped: the task started another wait, or an acquire did not match, before the wait ended"),
        Info("lock_release_without_acquire", "mmap_lock releases without a known acquire (taken before the trace began)"),
        Error("lock_writer_overlaps_other_holder", "mmap_lock acquisitions in a mode that conflicts with a holder still open (a release was missed)"),
        Info("transactions_in_flight_at_trace_end", "binder transactions sent but not yet freed when the trace ended"),
        Info("transaction_id_reused", "transaction ids seen again while the earlier transaction was still open; the earlier one was closed"),
        Info("transactions_evicted_unfinished", "open transactions dropped to keep the analysis' memory bounded"),
        Info("alloc_buf_without_transaction", "binder_transaction_alloc_buf events without their binder_transaction (sent before the trace began)"),
        Info("received_without_transaction", "binder_transaction_received events without their binder_transaction"),
        Info("freed_without_transaction", "binder_txn_latency_free events without their binder_transaction"),
        Info("phases_not_broken_down", "events of phases beyond the phase limit, left out of the per-phase breakdown"),
        Info("markers_not_snapshotted", "markers beyond the marker limit; not kept in the report"),
        .. PageOperationEdges(),
    ];

    private static readonly Dictionary<string, DataQualityCounter> ByName = Reader.Concat(Analysis).ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Every counter, the reader's first, each name once.</summary>
    public static IReadOnlyList<DataQualityCounter> All { get; } = [.. Reader, .. Analysis];

    public static bool TryFind(string name, out DataQualityCounter counter) => ByName.TryGetValue(name, out counter!);

    /// <summary>The counter of <paramref name="name"/>; a name outside the catalogue is a bug in the code that counted it.</summary>
    public static DataQualityCounter Find(string name) => TryFind(name, out var counter)
        ? counter
        : throw new KeyNotFoundException($"data-quality counter '{name}' is not in the catalogue (DataQualityCounters): add it with a severity and a description");

    private static DataQualityCounter Info(string name, string description) => new(name, DataQualitySource.Analysis, DataQualitySeverity.Info, description);

    private static DataQualityCounter Loss(string name, string description) => new(name, DataQualitySource.Analysis, DataQualitySeverity.DataLoss, description);

    private static DataQualityCounter Error(string name, string description) => new(name, DataQualitySource.Analysis, DataQualitySeverity.Error, description);

    private static IEnumerable<DataQualityCounter> PageOperationEdges()
    {
        foreach (var (start, end) in PageOperationPairs())
        {
            yield return Info(EventNames.Of(start) + "_without_end", $"{EventNames.Of(start)} events whose task started another page operation before the end event");
            yield return Info(EventNames.Of(end) + "_without_start", $"{EventNames.Of(end)} events without their start (the operation began before the trace did)");
        }
    }

    /// <summary>The page operations whose start and end events pair up (KERNEL.md §8).</summary>
    private static (EventKind Start, EventKind End)[] PageOperationPairs() =>
    [
        (EventKind.BinderAllocPageStart, EventKind.BinderAllocPageEnd),
        (EventKind.BinderAllocLruStart, EventKind.BinderAllocLruEnd),
        (EventKind.BinderFreeLruStart, EventKind.BinderFreeLruEnd),
        (EventKind.BinderUnmapUserStart, EventKind.BinderUnmapUserEnd),
        (EventKind.BinderUnmapKernelStart, EventKind.BinderUnmapKernelEnd),
    ];
}
