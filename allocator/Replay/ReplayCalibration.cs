using BinderTrace.Allocator.Workload;
using BinderTrace.Events;

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
        "mmap_lock writers are woken to compete and an arriving writer may take a free lock first (rwsem.c lock stealing, hand-off after 4 ms); the presets keep the plain hand-off",
        "a sender's wait between binder_transaction and its allocation's first traced step: its D-state sleeps that a binder task of the target process ended are lock waits the simulator models (not replayed); its CPU wait after such a wake-up is replayed as its wake latency on the simulated alloc mutex; the rest, less the plain-send median, is replayed as a sleep before the allocation (preempted, on CPU or asleep on something else: the trace does not say why); without scheduler events, other tasks' alloc->mutex sections stand in for the sleeps",
        "a non-binder mmap_lock hold's wait keeps its holder's own time off CPU (sched_switch/sched_wakeup): the CPU wait after each wake-up is that writer's wake latency when the simulated lock wakes it (instead of the median), preemption while spinning is spent before it tries the lock; binder's own install windows keep the calibrated medians (replaying their per-event delays made the 6.12 replays run 77-89 ms late)",
        "binder_txn_latency_free, ioctl, command/return and scheduler events are not replayed",
    ];

    /// <summary>binder_alloc_page_start..end of the first page a send installs.</summary>
    public List<long> FirstInstallWindowNs { get; } = [];

    /// <summary>binder_alloc_page_start..end of a send's later pages.</summary>
    public List<long> LaterInstallWindowNs { get; } = [];

    /// <summary>Binder's mmap write holds taken inside the first install window of a send (page-write: one page each).</summary>
    public List<long> FirstInstallWriteHoldNs { get; } = [];

    /// <summary>Binder's other mmap write holds.</summary>
    public List<long> LaterWriteHoldNs { get; } = [];

    /// <summary>Binder write holds that enclose install windows (range designs): hold time outside those windows and the LRU brackets.</summary>
    public List<long> RangeHoldResidualNs { get; } = [];

    public List<long> LruOpNs { get; } = [];

    public List<long> ZapNs { get; } = [];

    /// <summary>mmap_lock release → the next waiting reader's acquire_returned, for waits that spanned that release.</summary>
    public List<long> HandoffNs { get; } = [];

    /// <summary>The same for waiting writers: the time a woken writer takes to run and take the lock.</summary>
    public List<long> WriterHandoffNs { get; } = [];

    /// <summary>binder_transaction → binder_transaction_alloc_buf of sends without any binder page event in between.</summary>
    public List<long> PlainSendNs { get; } = [];

    public (CostModel Costs, IReadOnlyList<CalibratedCost> Calibrated) Build(string? traceDesign)
    {
        var defaults = new CostModel();
        var calibrated = new List<CalibratedCost>();
        var costs = defaults with { AllocPageSlowPathProbability = 0, MmapWriterStealing = true };

        var perPageHolds = traceDesign == "page-write" && FirstInstallWriteHoldNs.Count + LaterWriteHoldNs.Count > 0;
        var (baseSamples, baseWhat) = perPageHolds
            ? (LaterOrAll(LaterWriteHoldNs, FirstInstallWriteHoldNs), "binder mmap write holds (page-write: one page's alloc_page + vm_insert_page under each)")
            : (LaterOrAll(LaterInstallWindowNs, FirstInstallWindowNs), "binder_alloc_page_start..end windows");
        var splitByPosition = perPageHolds ? LaterWriteHoldNs.Count > 0 : LaterInstallWindowNs.Count > 0;
        var baseScope = splitByPosition ? " of a send's second and later pages" : "";
        if (Median(baseSamples) is { } installNs)
        {
            var source = $"median of {baseSamples.Count} {baseWhat}{baseScope}, split evenly";
            costs = costs with { AllocPageNs = installNs / 2, VmInsertPageNs = installNs - (installNs / 2) };
            calibrated.Add(new CalibratedCost("allocPageNs", costs.AllocPageNs, source));
            calibrated.Add(new CalibratedCost("vmInsertPageNs", costs.VmInsertPageNs, source));

            // The first page a send installs is slower in every capture (every step of it: 6.12's lock wait, hold
            // and the work around them each take 2-4x their later-page medians), so it gets its own measured cost.
            var firstSamples = perPageHolds ? FirstInstallWriteHoldNs : FirstInstallWindowNs;
            if (Median(firstSamples) is { } first && first > installNs && splitByPosition)
            {
                costs = costs with { FirstInstallExtraNs = first - installNs };
                calibrated.Add(new CalibratedCost("firstInstallExtraNs", first - installNs,
                    $"median of {firstSamples.Count} {baseWhat} of a send's first page, less the later pages' median"));
            }
        }

        var laterWindows = LaterOrAll(LaterInstallWindowNs, FirstInstallWindowNs);
        if (perPageHolds && Median(laterWindows) is { } window && Median(baseSamples) is { } held && window > held)
        {
            costs = costs with { InstallOverheadNs = window - held };
            calibrated.Add(new CalibratedCost("installOverheadNs", window - held,
                $"median of {laterWindows.Count} install windows less the median write hold{baseScope}: window time outside the lock"));
            if (Median(FirstInstallWindowNs) is { } firstWindow && Median(FirstInstallWriteHoldNs) is { } firstHeld
                && firstWindow - firstHeld > window - held && splitByPosition)
            {
                var extra = firstWindow - firstHeld - (window - held);
                costs = costs with { FirstInstallOverheadNs = extra };
                calibrated.Add(new CalibratedCost("firstInstallOverheadNs", extra,
                    $"median of {FirstInstallWindowNs.Count} first-page install windows less their median write hold, less installOverheadNs"));
            }
        }

        if (AllocatorDesignNames.TryParse(traceDesign, out var design) && design is AllocatorDesign.RangeWrite or AllocatorDesign.RangeRead
            && Median(RangeHoldResidualNs) is { } residual && residual > 0)
        {
            costs = costs with { RangeHoldOverheadNs = residual };
            calibrated.Add(new CalibratedCost("rangeHoldOverheadNs", residual,
                $"median of {RangeHoldResidualNs.Count} binder mmap holds around install windows, less the windows and LRU brackets inside them"));
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

        if (Median(WriterHandoffNs) is { } writerHandoff)
        {
            // Applied to woken mmap_lock writers only: while one wakes, the lock is free and an arriving writer takes
            // it (rwsem lock stealing), as the traced waits show. Every other wake-up keeps the default.
            costs = costs with { MmapWriterWakeLatencyNs = writerHandoff };
            calibrated.Add(new CalibratedCost("mmapWriterWakeLatencyNs", writerHandoff,
                $"median of {WriterHandoffNs.Count} mmap_lock hand-offs to a waiting writer (release to its acquire_returned)"));
        }

        if (Median(HandoffNs) is { } handoff)
        {
            // Measured and shown, not applied: the simulator charges its wake latency on every wake-up (work arrival
            // too), and the traced hand-offs are the few waits where an emulated CPU had to schedule the waiter.
            calibrated.Add(new CalibratedCost("wakeLatencyNs", handoff,
                $"median of {HandoffNs.Count} mmap_lock hand-offs to a waiting reader; measured only, the default {costs.WakeLatencyNs} ns is kept",
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

    /// <summary>The median of <see cref="PlainSendNs"/>: what a send that waits for nothing takes.</summary>
    public long? PlainSendMedianNs => Median(PlainSendNs);

    public List<long> InstallWindows(bool firstOfSend) => firstOfSend ? FirstInstallWindowNs : LaterInstallWindowNs;

    public List<long> BinderWriteHolds(bool inFirstInstall) => inFirstInstall ? FirstInstallWriteHoldNs : LaterWriteHoldNs;

    /// <summary>The later pages' samples; all samples when the trace has no later page (only one-page sends).</summary>
    private static List<long> LaterOrAll(List<long> later, List<long> first) => later.Count > 0 ? later : [.. later, .. first];

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
