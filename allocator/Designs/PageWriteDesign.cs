using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Designs;

/// <summary>
/// 6.8 – 6.13, "convert alloc->mutex to spinlock" (KERNEL.md §3): carve under the <c>alloc->lock</c> spinlock;
/// each missing page installed under its own mmap WRITE hold with alloc_page inside and a re-check after taking
/// the lock. Shrinker: mmap read trylock, then spin_trylock; unmap_kernel brackets clearing the pointer (under
/// both spinlocks), unmap_user the zap (under the mmap read lock); __free_page is untraced.
/// </summary>
internal sealed class PageWriteDesign : PerPageDesign
{
    public override AllocatorDesignInfo Info { get; } = new(
        AllocatorDesign.PageWrite, "6.12.107", "6.8-6.13",
        "alloc->lock spinlock for the carve; each missing page under its own mmap WRITE hold, alloc_page inside");

    public override SimLock CreateAllocLock(Scheduler scheduler, int tgid) => new SimSpinLock(scheduler, $"alloc->lock/{tgid}");

    public override IEnumerable<Step> ShrinkPage(SimContext c, SimTask t, BinderProcess p, long page, ShrinkResult result)
    {
        result.Removed = false;
        if (!MmapReadTrylock(c, t, p))
        {
            yield break;
        }

        if (!p.AllocLock.TryAcquire(t, LockMode.Write))
        {
            MmapUnlock(c, t, p, write: false);
            yield break;
        }

        var mapped = p.Pages.IsMapped(page);
        c.Emitter.Page(t, EventKind.BinderUnmapKernelStart, p.Tgid, page);
        Reclaim(c, p, page);
        c.Emitter.Page(t, EventKind.BinderUnmapKernelEnd, p.Tgid, page);
        p.AllocLock.Release(t, LockMode.Write);
        c.LruLock.Release(t, LockMode.Write);
        if (mapped)
        {
            c.Emitter.Page(t, EventKind.BinderUnmapUserStart, p.Tgid, page);
            yield return Step.Run(c.Costs.ZapNs);
            c.Emitter.Page(t, EventKind.BinderUnmapUserEnd, p.Tgid, page);
        }

        MmapUnlock(c, t, p, write: false);
        yield return Step.Run(c.Costs.FreePageNs);
        yield return Step.Acquire(c.LruLock);
        result.Removed = true;
    }

    protected override IEnumerable<Step> InstallSinglePage(SimContext c, SimTask t, BinderProcess p, long page, bool firstOfAllocation)
    {
        yield return Step.Call(MmapLock(c, t, p, write: true));
        if (p.Pages.IsInstalled(page))
        {
            c.Counters.InstallRaces++;
        }
        else
        {
            yield return Step.Run(c.AllocPageCost(firstOfAllocation) + c.Costs.VmInsertPageNs);
            Publish(c, p, page, mapped: true);
        }

        MmapUnlock(c, t, p, write: true);
    }
}
