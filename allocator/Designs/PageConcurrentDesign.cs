using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Designs;

/// <summary>
/// 6.14+, "binder: faster page installations" (KERNEL.md §4): carve under <c>alloc->mutex</c>; alloc_page with no
/// lock held; vm_insert_page under the per-VMA read lock, falling back to the mmap read lock when the VMA lock
/// fails; a -EBUSY race (PTE present, page not yet published) frees its own page and finds the winner's with an
/// mmap read lock + GUP. Shrinker: per-VMA lock (mmap read trylock fallback), mutex_trylock, unmap_kernel
/// (under mutex + LRU lock), unmap_user (the zap, under the mutex), free untraced.
/// </summary>
internal sealed class PageConcurrentDesign : PerPageDesign
{
    public override AllocatorDesignInfo Info { get; } = new(
        AllocatorDesign.PageConcurrent, "7.3.4", "6.14+",
        "alloc->mutex for the carve; alloc_page unlocked; insert under the per-VMA lock (mmap READ fallback)");

    public override bool PrintsMemcgId => true;

    public override SimLock CreateAllocLock(Scheduler scheduler, int tgid) => new SimMutex(scheduler, $"alloc->mutex/{tgid}");

    public override IEnumerable<Step> ShrinkPage(SimContext c, SimTask t, BinderProcess p, long page, ShrinkResult result)
    {
        result.Removed = false;
        var vmaLocked = TryLockVma(p);
        if (!vmaLocked && !MmapReadTrylock(c, t, p))
        {
            yield break;
        }

        if (!p.AllocLock.TryAcquire(t, LockMode.Write))
        {
            if (!vmaLocked)
            {
                MmapUnlock(c, t, p, write: false);
            }

            yield break;
        }

        var mapped = p.Pages.IsMapped(page);
        c.Emitter.Page(t, EventKind.BinderUnmapKernelStart, p.Tgid, page);
        Reclaim(c, p, page);
        c.Emitter.Page(t, EventKind.BinderUnmapKernelEnd, p.Tgid, page);
        c.LruLock.Release(t, LockMode.Write);
        if (mapped)
        {
            c.Emitter.Page(t, EventKind.BinderUnmapUserStart, p.Tgid, page);
            yield return Step.Run(c.Costs.ZapNs);
            c.Emitter.Page(t, EventKind.BinderUnmapUserEnd, p.Tgid, page);
        }

        p.AllocLock.Release(t, LockMode.Write);
        if (!vmaLocked)
        {
            MmapUnlock(c, t, p, write: false);
        }

        yield return Step.Run(c.Costs.FreePageNs);
        yield return Step.Acquire(c.LruLock);
        result.Removed = true;
    }

    protected override IEnumerable<Step> InstallSinglePage(SimContext c, SimTask t, BinderProcess p, long page, bool firstOfAllocation)
    {
        yield return Step.Run(c.AllocPageCost(firstOfAllocation));
        var vmaLocked = TryLockVma(p);
        if (!vmaLocked)
        {
            yield return Step.Call(MmapLock(c, t, p, write: false));
        }

        // vm_insert_page claims the PTE under the page-table lock: a second inserter sees it and gets -EBUSY.
        var busy = p.Pages.IsMapped(page);
        if (!busy)
        {
            p.Pages.Map(page);
            yield return Step.Run(c.Costs.VmInsertPageNs);
        }

        if (!vmaLocked)
        {
            MmapUnlock(c, t, p, write: false);
        }

        if (busy)
        {
            c.Counters.InstallRaces++;
            yield return Step.Run(c.Costs.FreePageNs);
            yield return Step.Call(MmapLock(c, t, p, write: false));
            yield return Step.Run(c.Costs.GupLookupNs);
            MmapUnlock(c, t, p, write: false);
        }

        Publish(c, p, page, mapped: true);
    }
}
