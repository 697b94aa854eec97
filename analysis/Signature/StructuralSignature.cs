namespace BinderTrace.Analysis.Signature;

/// <summary>Order in which a free hands its pages to the LRU (free_lru_start page indices within one traced range).</summary>
public enum LruAddOrder
{
    /// <summary>No range with two or more pages was seen.</summary>
    Unknown,

    /// <summary>6.8+: increasing page index.</summary>
    Ascending,

    /// <summary>6.1: decreasing page index.</summary>
    Descending,

    Mixed,
}

/// <summary>How the mmap_lock relates to a <c>binder_alloc_page_start…_end</c> window on the installing task.</summary>
public enum InstallLocking
{
    /// <summary>No install window seen.</summary>
    Unknown,

    /// <summary>The window began inside a write hold that spans the range (6.1.31+, 6.4–6.7).</summary>
    InsideWriteHold,

    /// <summary>The window began inside a read hold (6.1.0–6.1.30).</summary>
    InsideReadHold,

    /// <summary>A write lock is taken and released inside the window (6.8–6.13).</summary>
    WriteLockInside,

    /// <summary>A read lock is taken inside the window (6.14+ fallback).</summary>
    ReadLockInside,

    /// <summary>No mmap_lock event (6.14+ per-VMA lock).</summary>
    NoLock,
}

/// <summary>Which unmap tracepoint of one shrunk page fires first.</summary>
public enum UnmapOrder
{
    Unknown,

    /// <summary>6.1: binder_unmap_user (the zap) before binder_unmap_kernel (the free).</summary>
    UserFirst,

    /// <summary>6.8+: binder_unmap_kernel (clearing the page pointer) before binder_unmap_user.</summary>
    KernelFirst,

    Mixed,
}

/// <summary>How mmap_lock events name the memory cgroup.</summary>
public enum MemcgForm
{
    /// <summary>No mmap_lock event seen.</summary>
    Unknown,

    /// <summary>"memcg_path=" (kernels up to 6.13).</summary>
    Path,

    /// <summary>"memcg_id=" (6.14+).</summary>
    Id,

    Mixed,
}

/// <summary>
/// The structural facts of a binder allocator trace that identify the allocator design independent of timing
/// (traces/README.md "Facts these captures settle", KERNEL.md §6, §7, §9). Built by
/// <see cref="StructuralSignatureTracker"/>. Install windows are <c>binder_alloc_page_start…_end</c> pairs on one
/// task; a window is classified once, by the first rule that applies: it started inside a write hold of that task
/// (6.1.31+), inside a read hold (6.1.0–6.1.30), a write acquire happened inside it (6.8–6.13), a read acquire
/// happened inside it (6.14+ fallback), or no mmap_lock event at all (6.14+ per-VMA lock).
/// </summary>
public sealed record StructuralSignature
{
    public long InstallWindows { get; init; }

    /// <summary>Windows that began while the same task held the mmap write lock (one hold around a whole range: 6.1.31+).</summary>
    public long InstallWindowsInsideWriteHold { get; init; }

    /// <summary>Windows that began while the same task held the mmap read lock (6.1.0–6.1.30).</summary>
    public long InstallWindowsInsideReadHold { get; init; }

    /// <summary>Windows containing a successful mmap write acquire by the same task (6.8–6.13: one write lock per page).</summary>
    public long InstallWindowsWithWriteLockInside { get; init; }

    /// <summary>Windows containing a successful mmap read acquire (6.14+ per-VMA fallback or GUP after -EBUSY).</summary>
    public long InstallWindowsWithReadLockInside { get; init; }

    /// <summary>Windows with no mmap_lock event of that task inside or around them (6.14+ per-VMA lock).</summary>
    public long InstallWindowsWithoutLock { get; init; }

    /// <summary>Windows still open at the end of the trace (not classified).</summary>
    public long UnfinishedInstallWindows { get; init; }

    /// <summary>mmap write holds (acquire … release or downgrade, same task) that enclosed at least one install window.</summary>
    public long WriteHoldsEnclosingWindows { get; init; }

    /// <summary>mmap write holds that enclosed two or more install windows (6.1.31+ range install).</summary>
    public long WriteHoldsEnclosingSeveralWindows { get; init; }

    /// <summary>Traced LRU-add ranges (free_lru runs after one binder_update_page_range allocate=0) of ≥ 2 pages in increasing order.</summary>
    public long LruAddRunsAscending { get; init; }

    /// <summary>Same, in decreasing order.</summary>
    public long LruAddRunsDescending { get; init; }

    public long UnmapUserFirst { get; init; }

    public long UnmapKernelFirst { get; init; }

    public long UpdatePageRangeEvents { get; init; }

    /// <summary>binder_update_page_range with size=0 (6.8+ traces empty ranges; 6.1 returns before the tracepoint).</summary>
    public long UpdatePageRangeZeroSize { get; init; }

    /// <summary>binder_update_page_range whose size wrapped below zero (printed as ≥ 2^63; 6.8+ only).</summary>
    public long UpdatePageRangeWrapped { get; init; }

    public long MmapLockEventsWithMemcgPath { get; init; }

    public long MmapLockEventsWithMemcgId { get; init; }

    /// <summary>
    /// Successful mmap read acquires by a task after it received a transaction and before its next binder buffer,
    /// allocator or page event, outside any install window: where a receiver's first touch of a buffer page would
    /// fall back from the per-VMA lock if binder mapped pages in its fault handler (the fault-deferred what-if).
    /// </summary>
    public long ReceiverReadLocks { get; init; }

    /// <summary>
    /// Of <see cref="ReceiverReadLocks"/>, those after receiving a transaction whose sender installed pages for it:
    /// only such a buffer has pages a fault handler would still have to map.
    /// </summary>
    public long ReceiverReadLocksAfterInstall { get; init; }

    /// <summary>Every event name seen, sorted ordinally.</summary>
    public IReadOnlyList<string> EventNames { get; init; } = [];

    /// <summary>
    /// Token order (first occurrence) of allocations that installed at least one page, from binder_transaction to
    /// binder_transaction_alloc_buf on one task, with counts. Tokens: update_page_range, alloc_lru,
    /// alloc_page_start, alloc_page_end, mmap_write, mmap_write_released, mmap_read, mmap_read_released.
    /// </summary>
    public IReadOnlyDictionary<string, long> InstallAllocationShapes { get; init; } = new Dictionary<string, long>();

    /// <summary>Token order of frees (binder_transaction_buffer_release to the task's next other event): update_page_range, free_lru.</summary>
    public IReadOnlyDictionary<string, long> FreeShapes { get; init; } = new Dictionary<string, long>();

    /// <summary>Token order around one shrunk page: mmap_read (held when the first unmap started), unmap_user, unmap_kernel, mmap_read_released.</summary>
    public IReadOnlyDictionary<string, long> ShrinkPageShapes { get; init; } = new Dictionary<string, long>();

    public LruAddOrder LruAddOrder => Classify(LruAddRunsAscending, LruAddRunsDescending, LruAddOrder.Unknown, LruAddOrder.Ascending, LruAddOrder.Descending, LruAddOrder.Mixed);

    public UnmapOrder UnmapOrder => Classify(UnmapUserFirst, UnmapKernelFirst, UnmapOrder.Unknown, UnmapOrder.UserFirst, UnmapOrder.KernelFirst, UnmapOrder.Mixed);

    public MemcgForm MemcgForm => Classify(MmapLockEventsWithMemcgPath, MmapLockEventsWithMemcgId, MemcgForm.Unknown, MemcgForm.Path, MemcgForm.Id, MemcgForm.Mixed);

    public bool UpdatePageRangeSeen => UpdatePageRangeEvents > 0;

    /// <summary>The most common window class (ties go to the earlier class in <see cref="InstallLocking"/> order).</summary>
    public InstallLocking DominantInstallLocking
    {
        get
        {
            var best = InstallLocking.Unknown;
            long count = 0;
            Consider(InstallLocking.InsideWriteHold, InstallWindowsInsideWriteHold);
            Consider(InstallLocking.InsideReadHold, InstallWindowsInsideReadHold);
            Consider(InstallLocking.WriteLockInside, InstallWindowsWithWriteLockInside);
            Consider(InstallLocking.ReadLockInside, InstallWindowsWithReadLockInside);
            Consider(InstallLocking.NoLock, InstallWindowsWithoutLock);
            return best;

            void Consider(InstallLocking kind, long n)
            {
                if (n > count)
                {
                    best = kind;
                    count = n;
                }
            }
        }
    }

    /// <summary>The most frequent install-allocation shape, or "" when no allocation installed a page.</summary>
    public string DominantInstallAllocationShape => Dominant(InstallAllocationShapes);

    public string DominantShrinkPageShape => Dominant(ShrinkPageShapes);

    public string DominantFreeShape => Dominant(FreeShapes);

    /// <summary>This signature's counts plus <paramref name="factor"/> times <paramref name="other"/>'s (a phase's counts are sums of differences).</summary>
    internal StructuralSignature Plus(StructuralSignature other, long factor) => new()
    {
        InstallWindows = InstallWindows + (factor * other.InstallWindows),
        InstallWindowsInsideWriteHold = InstallWindowsInsideWriteHold + (factor * other.InstallWindowsInsideWriteHold),
        InstallWindowsInsideReadHold = InstallWindowsInsideReadHold + (factor * other.InstallWindowsInsideReadHold),
        InstallWindowsWithWriteLockInside = InstallWindowsWithWriteLockInside + (factor * other.InstallWindowsWithWriteLockInside),
        InstallWindowsWithReadLockInside = InstallWindowsWithReadLockInside + (factor * other.InstallWindowsWithReadLockInside),
        InstallWindowsWithoutLock = InstallWindowsWithoutLock + (factor * other.InstallWindowsWithoutLock),
        UnfinishedInstallWindows = UnfinishedInstallWindows + (factor * other.UnfinishedInstallWindows),
        WriteHoldsEnclosingWindows = WriteHoldsEnclosingWindows + (factor * other.WriteHoldsEnclosingWindows),
        WriteHoldsEnclosingSeveralWindows = WriteHoldsEnclosingSeveralWindows + (factor * other.WriteHoldsEnclosingSeveralWindows),
        LruAddRunsAscending = LruAddRunsAscending + (factor * other.LruAddRunsAscending),
        LruAddRunsDescending = LruAddRunsDescending + (factor * other.LruAddRunsDescending),
        UnmapUserFirst = UnmapUserFirst + (factor * other.UnmapUserFirst),
        UnmapKernelFirst = UnmapKernelFirst + (factor * other.UnmapKernelFirst),
        UpdatePageRangeEvents = UpdatePageRangeEvents + (factor * other.UpdatePageRangeEvents),
        UpdatePageRangeZeroSize = UpdatePageRangeZeroSize + (factor * other.UpdatePageRangeZeroSize),
        UpdatePageRangeWrapped = UpdatePageRangeWrapped + (factor * other.UpdatePageRangeWrapped),
        MmapLockEventsWithMemcgPath = MmapLockEventsWithMemcgPath + (factor * other.MmapLockEventsWithMemcgPath),
        MmapLockEventsWithMemcgId = MmapLockEventsWithMemcgId + (factor * other.MmapLockEventsWithMemcgId),
        ReceiverReadLocks = ReceiverReadLocks + (factor * other.ReceiverReadLocks),
        ReceiverReadLocksAfterInstall = ReceiverReadLocksAfterInstall + (factor * other.ReceiverReadLocksAfterInstall),
        InstallAllocationShapes = Plus(InstallAllocationShapes, other.InstallAllocationShapes, factor),
        FreeShapes = Plus(FreeShapes, other.FreeShapes, factor),
        ShrinkPageShapes = Plus(ShrinkPageShapes, other.ShrinkPageShapes, factor),
    };

    private static Dictionary<string, long> Plus(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b, long factor)
    {
        var sum = new Dictionary<string, long>(a, StringComparer.Ordinal);
        foreach (var (shape, n) in b)
        {
            sum[shape] = sum.GetValueOrDefault(shape) + (factor * n);
        }

        foreach (var shape in sum.Where(kv => kv.Value == 0).Select(kv => kv.Key).ToList())
        {
            sum.Remove(shape);
        }

        return sum;
    }

    private static T Classify<T>(long first, long second, T none, T onlyFirst, T onlySecond, T both) =>
        (first, second) switch
        {
            (0, 0) => none,
            (> 0, 0) => onlyFirst,
            (0, > 0) => onlySecond,
            _ => both,
        };

    private static string Dominant(IReadOnlyDictionary<string, long> shapes)
    {
        var best = "";
        long count = 0;
        foreach (var (shape, n) in shapes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (n > count)
            {
                best = shape;
                count = n;
            }
        }

        return best;
    }
}
