namespace BinderTrace.Allocator.Workload;

/// <summary>
/// Virtual-time costs in nanoseconds. Absolute kernel costs are not in KERNEL.md; what it gives are the relative
/// durations visible in the real captures (qemu TCG, so only ratios count) and the latency figures of §8.
/// Each default says where it comes from; "guess" marks a native-hardware order of magnitude chosen to keep
/// those ratios. All are overridable from a workload JSON file ("costs": {...}).
/// </summary>
public sealed record CostModel
{
    /// <summary>
    /// alloc_page(GFP_KERNEL|__GFP_ZERO), fast path. Guess (zeroing 4 KiB ≈ 1 µs natively); in the 6.1 light
    /// capture alloc_page_start→end (alloc + vm_insert_page) is ~15× an alloc_lru_start→end, split evenly here.
    /// </summary>
    public long AllocPageNs { get; init; } = 1_200;

    /// <summary>
    /// alloc_page entering direct reclaim during a memory-pressure episode. Guess scaled down from Barry Song's
    /// "more than 300ms" worst case (KERNEL.md §8.2); applied with <see cref="AllocPageSlowPathProbability"/>.
    /// </summary>
    public long AllocPageSlowPathNs { get; init; } = 2_000_000;

    /// <summary>Probability that an alloc_page under memory pressure takes the slow path. Guess.</summary>
    public double AllocPageSlowPathProbability { get; init; } = 0.01;

    /// <summary>vm_insert_page (PTE install). Half of the captured alloc_page window, see <see cref="AllocPageNs"/>.</summary>
    public long VmInsertPageNs { get; init; } = 1_200;

    /// <summary>list_lru_add/del bracketed by *_lru_start/end: the shortest binder window in the captures (~3 µs TCG). Guess ÷15 for native.</summary>
    public long LruOpNs { get; init; } = 200;

    /// <summary>
    /// Work in a per-page install window outside the page's lock and allocation (mmget/mmput_async, tracing). 0 in
    /// the presets; a replay calibrates it from a page-write trace (window median minus write-hold median).
    /// </summary>
    public long InstallOverheadNs { get; init; }

    /// <summary>
    /// Extra cost of the first page one allocation installs, charged with its alloc_page (so under whatever lock the
    /// design holds there). 0 in the presets; every shared capture shows it (first-page windows 2-4x the later
    /// pages' median), so a replay calibrates it from the trace.
    /// </summary>
    public long FirstInstallExtraNs { get; init; }

    /// <summary>Extra window time outside the lock for an allocation's first installed page (page-write replays; 0 in the presets).</summary>
    public long FirstInstallOverheadNs { get; init; }

    /// <summary>
    /// Range designs: time in the mmap hold around a missing range that is outside its page windows and LRU brackets
    /// (VMA check, per-page bookkeeping, the tracepoints themselves). 0 in the presets; a replay of a range trace
    /// calibrates it from the trace's own holds.
    /// </summary>
    public long RangeHoldOverheadNs { get; init; }

    /// <summary>zap_page_range_single of one page: unmap_user windows are ~4× an LRU window in the 6.1/6.12 captures.</summary>
    public long ZapNs { get; init; } = 800;

    /// <summary>__free_page (and the mdata kfree on 6.14+): about an LRU window in the captures.</summary>
    public long FreePageNs { get; init; } = 200;

    /// <summary>get_user_pages_remote after -EBUSY (6.14+). Guess: a page walk, about a PTE install.</summary>
    public long GupLookupNs { get; init; } = 1_000;

    /// <summary>Page fault entry + PTE install in the fault-deferred what-if. Guess: vm_insert_page plus fault overhead.</summary>
    public long FaultInstallNs { get; init; } = 1_800;

    /// <summary>copy_from_user of one page of payload into the target buffer. Guess (memcpy 4 KiB ≈ 0.4 µs).</summary>
    public long CopyPerPageNs { get; init; } = 400;

    /// <summary>
    /// Fixed cost of one binder transaction leg (ioctl entry, command parsing, node/thread lookup). KERNEL.md §8.1
    /// gives a 0.018–0.024 ms minimum round trip on Pixel 6/8; two legs plus wake-ups fit 5 µs per leg.
    /// </summary>
    public long TransactionLegNs { get; init; } = 5_000;

    /// <summary>Wake-up latency of a sleeping task (mutex/rwsem hand-off, work arrival). Guess (a few µs on phones).</summary>
    public long WakeLatencyNs { get; init; } = 3_000;

    /// <summary>
    /// Unlock → a woken mmap_lock writer running again; 0: <see cref="WakeLatencyNs"/>. While it wakes, a writer
    /// that arrives takes the free lock first (rwsem lock stealing), so this sets how often binder's waiting
    /// install is overtaken. 0 in the presets; a replay calibrates it from the trace's measured hand-offs.
    /// </summary>
    public long MmapWriterWakeLatencyNs { get; init; }

    /// <summary>
    /// mmap_lock writers are woken to compete for the lock and an arriving writer may take it first (rwsem.c, see
    /// SimRwSemaphore). Off in the presets, whose documented figures use the hand-off model; replays turn it on.
    /// </summary>
    public bool MmapWriterStealing { get; init; }

    /// <summary>
    /// A blocking mmap_lock reader takes a free lock while writers wait, unless a waiter has set the hand-off
    /// (rwsem.c reader lock stealing, see SimRwSemaphore). Off in the presets, like <see cref="MmapWriterStealing"/>.
    /// </summary>
    public bool MmapReaderStealing { get; init; }

    /// <summary>Spinlock hand-off to a spinning waiter (cache-line transfer). Guess.</summary>
    public long SpinHandoffNs { get; init; } = 100;

    /// <summary>
    /// One list_lru walk step (isolate callback entry, trylocks that fail). Guess. Charged per batch after the walk:
    /// the walk holds the LRU lock, and allocators' LRU operations do not wait for it in this model.
    /// </summary>
    public long ShrinkVisitNs { get; init; } = 100;

    /// <summary>Lock-free setup before the carve: sanitized size, kzalloc of the spare binder_buffer. Guess.</summary>
    public long CarveSetupNs { get; init; } = 150;

    /// <summary>Best fit, split and bookkeeping under the alloc lock. Guess.</summary>
    public long CarveNs { get; init; } = 300;
}
