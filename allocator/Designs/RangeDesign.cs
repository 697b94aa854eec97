using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Designs;

/// <summary>
/// The 6.1 <c>binder_update_page_range</c> era (KERNEL.md §2). Everything runs under <c>alloc->mutex</c>: the
/// carve, then one traced range in ascending order — LRU reuse or alloc_page + vm_insert_page — with the target
/// mmap_lock held across the whole range when any page is missing. Free adds the range to the LRU in descending
/// order. Empty ranges return before the tracepoint. The shrinker trylocks the mutex, then the mmap read lock,
/// zaps (unmap_user) before freeing the page (unmap_kernel).
/// </summary>
internal abstract class RangeDesign : SimulatedDesign
{
    /// <summary>6.1.0–6.1.30 takes the mmap read lock around a VMA check on every allocation.</summary>
    protected abstract bool ChecksVmaUnderReadLock { get; }

    /// <summary>Mode of the mmap_lock around a missing range: read (6.1.0–6.1.30) or write (6.1.31+).</summary>
    protected abstract bool InstallsUnderWriteLock { get; }

    public override SimLock CreateAllocLock(Scheduler scheduler, int tgid) => new SimMutex(scheduler, $"alloc->mutex/{tgid}");

    public override IEnumerable<Step> Allocate(SimContext c, SimTask t, BinderProcess p, AllocationRequest request)
    {
        yield return Step.Run(c.Costs.CarveSetupNs);
        yield return Step.Acquire(p.AllocLock);
        if (ChecksVmaUnderReadLock)
        {
            yield return Step.Call(MmapLock(c, t, p, write: false));
            MmapUnlock(c, t, p, write: false);
        }

        yield return Step.Run(c.Costs.CarveNs);
        var a = Carve(c, p, request);
        if (a.Status == BufferAllocationStatus.Ok)
        {
            var range = PageRanges.ForAllocation(a);
            if (!range.IsEmpty)
            {
                yield return Step.Call(UpdateRangeForAllocation(c, t, p, range));
            }
        }

        p.AllocLock.Release(t, LockMode.Write);
    }

    public override IEnumerable<Step> Free(SimContext c, SimTask t, BinderProcess p, int handle)
    {
        yield return Step.Acquire(p.AllocLock);
        var release = p.Buffers.Free(handle);
        if (!release.Range.IsEmpty)
        {
            yield return Step.Call(AddRangeToLru(c, t, p, release.Range));
        }

        for (var i = 0; i < release.ExtraPages; i++)
        {
            var start = i == 0 ? release.ExtraPage0 : release.ExtraPage1;
            yield return Step.Call(AddRangeToLru(c, t, p, new PageSpan(start, start + BufferSpace.PageSize)));
        }

        p.AllocLock.Release(t, LockMode.Write);
    }

    public override IEnumerable<Step> ShrinkPage(SimContext c, SimTask t, BinderProcess p, long page, ShrinkResult result)
    {
        result.Removed = false;
        if (!p.AllocLock.TryAcquire(t, LockMode.Write))
        {
            yield break;
        }

        if (!MmapReadTrylock(c, t, p))
        {
            p.AllocLock.Release(t, LockMode.Write);
            yield break;
        }

        var mapped = p.Pages.IsMapped(page);
        Reclaim(c, p, page);
        c.LruLock.Release(t, LockMode.Write);
        if (mapped)
        {
            c.Emitter.Page(t, EventKind.BinderUnmapUserStart, p.Tgid, page);
            yield return Step.Run(c.Costs.ZapNs);
            c.Emitter.Page(t, EventKind.BinderUnmapUserEnd, p.Tgid, page);
        }

        MmapUnlock(c, t, p, write: false);
        c.Emitter.Page(t, EventKind.BinderUnmapKernelStart, p.Tgid, page);
        yield return Step.Run(c.Costs.FreePageNs);
        c.Emitter.Page(t, EventKind.BinderUnmapKernelEnd, p.Tgid, page);
        yield return Step.Acquire(c.LruLock);
        p.AllocLock.Release(t, LockMode.Write);
        result.Removed = true;
    }

    private IEnumerable<Step> UpdateRangeForAllocation(SimContext c, SimTask t, BinderProcess p, PageSpan range)
    {
        c.Emitter.PageRange(t, p.Tgid, allocate: true, range.Start, PageRanges.TracedSize(range));
        var first = PageRanges.FirstPage(range);
        var end = PageRanges.EndPage(range);
        var missing = false;
        for (var page = first; page < end && !missing; page++)
        {
            missing = !p.Pages.IsInstalled(page);
        }

        var write = InstallsUnderWriteLock;
        if (missing)
        {
            yield return Step.Call(MmapLock(c, t, p, write));
            if (c.Costs.RangeHoldOverheadNs > 0)
            {
                yield return Step.Run(c.Costs.RangeHoldOverheadNs);
            }
        }

        var firstInstall = true;
        for (var page = first; page < end; page++)
        {
            if (p.Pages.IsInstalled(page))
            {
                c.Emitter.Page(t, EventKind.BinderAllocLruStart, p.Tgid, page);
                p.Pages.TakeFromLru(page);
                yield return Step.Run(c.Costs.LruOpNs);
                c.Emitter.Page(t, EventKind.BinderAllocLruEnd, p.Tgid, page);
                continue;
            }

            c.Emitter.Page(t, EventKind.BinderAllocPageStart, p.Tgid, page);
            yield return Step.Run(c.AllocPageCost(firstInstall) + c.Costs.VmInsertPageNs);
            firstInstall = false;
            p.Pages.Install(page, mapped: true);
            c.Counters.PagesInstalled++;
            c.Emitter.Page(t, EventKind.BinderAllocPageEnd, p.Tgid, page);
        }

        if (missing)
        {
            MmapUnlock(c, t, p, write);
        }
    }

    private static IEnumerable<Step> AddRangeToLru(SimContext c, SimTask t, BinderProcess p, PageSpan range)
    {
        c.Emitter.PageRange(t, p.Tgid, allocate: false, range.Start, PageRanges.TracedSize(range));
        for (var page = PageRanges.EndPage(range) - 1; page >= PageRanges.FirstPage(range); page--)
        {
            c.Emitter.Page(t, EventKind.BinderFreeLruStart, p.Tgid, page);
            p.Pages.PutOnLru(page);
            yield return Step.Run(c.Costs.LruOpNs);
            c.Emitter.Page(t, EventKind.BinderFreeLruEnd, p.Tgid, page);
        }
    }
}

/// <summary>6.1.0 – 6.1.30 (mainline 6.1–6.3): VMA looked up under an mmap read lock on every allocation; missing ranges installed under mmap READ.</summary>
internal sealed class RangeReadDesign : RangeDesign
{
    public override AllocatorDesignInfo Info { get; } = new(
        AllocatorDesign.RangeRead, "6.1.0", "6.1.0-6.1.30, 6.2, 6.3",
        "alloc->mutex; mmap read lock on every allocation; missing range installed under mmap READ");

    public override AsyncAccounting Accounting => AsyncAccounting.SizePlusHeader;

    protected override bool ChecksVmaUnderReadLock => true;

    protected override bool InstallsUnderWriteLock => false;
}

/// <summary>6.1.31+ (mainline 6.4–6.7): cached VMA, missing ranges installed under mmap WRITE with alloc_page inside.</summary>
internal sealed class RangeWriteDesign : RangeDesign
{
    /// <summary>The captured Debian 6.1.192 is past 6.1.75, so the async accounting charges size only.</summary>
    public override AllocatorDesignInfo Info { get; } = new(
        AllocatorDesign.RangeWrite, "6.1.192", "6.1.31+, 6.4-6.7",
        "alloc->mutex; missing range installed under one mmap WRITE hold, alloc_page inside");

    public override AsyncAccounting Accounting => AsyncAccounting.Size;

    protected override bool ChecksVmaUnderReadLock => false;

    protected override bool InstallsUnderWriteLock => true;
}
