using BinderTrace.Allocator.Workload;

namespace BinderTrace.Allocator.Replay;

/// <summary>
/// Bracket durations measured in a real trace, turned into simulator costs. Each calibrated parameter is the median
/// of one kind of bracket on the trace's own design; parameters the trace does not show keep
/// <see cref="CostModel"/>'s defaults. Medians, not means: the tails are lock waits, which the simulation must
/// produce itself rather than be told.
/// </summary>
internal sealed class ReplayCalibration
{
    /// <summary>What the trace cannot show and what the replay assumes instead.</summary>
    public static IReadOnlyList<string> Assumptions { get; } =
    [
        "binder mapping size is not traced: every process gets the kernel's 4 MiB cap (best fit places buffers alike; only running out of space would differ)",
        "alloc_page and vm_insert_page are not traced apart: the measured install cost is split evenly between them",
        "copy_from_user is not traced: the copy cost per page keeps its default and is subtracted from the plain-send time",
        "which looper gets a transaction is the trace's choice: each transaction is received by the thread that received it in the trace",
        "threads keep the trace's gaps between their steps (think and handling time); blocking on a reply or on work is simulated",
        "non-binder mmap_lock holds keep their traced hold time and mode (with the downgrade of munmap); the holder sleeps while holding",
        "each shrinker pass walks the LRU until it has reclaimed as many pages as the traced pass did (or has visited every page once)",
        "no memory-pressure slow path: alloc_page always costs the calibrated median",
        "binder_txn_latency_free, ioctl, command/return and scheduler events are not replayed",
    ];

    public List<long> InstallWindowNs { get; } = [];

    public List<long> BinderWriteHoldNs { get; } = [];

    public List<long> LruOpNs { get; } = [];

    public List<long> ZapNs { get; } = [];

    /// <summary>mmap_lock release → the next waiter's acquire_returned, for waits that spanned that release.</summary>
    public List<long> HandoffNs { get; } = [];

    /// <summary>binder_transaction → binder_transaction_alloc_buf of sends without any binder page event in between.</summary>
    public List<long> PlainSendNs { get; } = [];

    public (CostModel Costs, IReadOnlyList<CalibratedCost> Calibrated) Build(string? traceDesign)
    {
        var defaults = new CostModel();
        var calibrated = new List<CalibratedCost>();
        var costs = defaults with { AllocPageSlowPathProbability = 0 };

        var perPageHolds = traceDesign == "page-write" && BinderWriteHoldNs.Count > 0;
        var install = perPageHolds ? Median(BinderWriteHoldNs) : Median(InstallWindowNs);
        if (install is { } installNs)
        {
            var source = perPageHolds
                ? $"median of {BinderWriteHoldNs.Count} binder mmap write holds (page-write: one page's alloc_page + vm_insert_page under each), split evenly"
                : $"median of {InstallWindowNs.Count} binder_alloc_page_start..end windows, split evenly";
            costs = costs with { AllocPageNs = installNs / 2, VmInsertPageNs = installNs - (installNs / 2) };
            calibrated.Add(new CalibratedCost("allocPageNs", costs.AllocPageNs, source));
            calibrated.Add(new CalibratedCost("vmInsertPageNs", costs.VmInsertPageNs, source));
        }

        if (perPageHolds && Median(InstallWindowNs) is { } window && install is { } held && window > held)
        {
            costs = costs with { InstallOverheadNs = window - held };
            calibrated.Add(new CalibratedCost("installOverheadNs", window - held,
                $"median of {InstallWindowNs.Count} install windows less the median write hold: window time outside the lock"));
        }

        if (Median(LruOpNs) is { } lru)
        {
            costs = costs with { LruOpNs = lru };
            calibrated.Add(new CalibratedCost("lruOpNs", lru, $"median of {LruOpNs.Count} alloc_lru/free_lru start..end brackets"));
        }

        if (Median(ZapNs) is { } zap)
        {
            costs = costs with { ZapNs = zap };
            calibrated.Add(new CalibratedCost("zapNs", zap, $"median of {ZapNs.Count} binder_unmap_user start..end brackets"));
        }

        if (Median(HandoffNs) is { } handoff)
        {
            // Measured and shown, not applied: the simulator charges its wake latency on every wake-up, and the
            // traced hand-offs are the few waits (47 of 1348 write waits in the 6.12 contended capture) where an
            // emulated CPU had to schedule the waiter. Applied, the own-design replay of that capture convoys
            // behind the write lock: install p50 696 us against the real 13 us.
            calibrated.Add(new CalibratedCost("wakeLatencyNs", handoff,
                $"median of {HandoffNs.Count} mmap_lock hand-offs (release to the waiting task's acquire); measured only, the default {costs.WakeLatencyNs} ns is kept",
                Applied: false));
        }

        if (Median(PlainSendNs) is { } send)
        {
            var carve = Math.Max(0, send - costs.CarveSetupNs - costs.CopyPerPageNs);
            costs = costs with { CarveNs = carve };
            calibrated.Add(new CalibratedCost("carveNs", carve, $"median of {PlainSendNs.Count} sends that touched no page (binder_transaction to alloc_buf), less carve setup and one page of copy"));
        }

        return (costs, calibrated);
    }

    private static long? Median(List<long> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
