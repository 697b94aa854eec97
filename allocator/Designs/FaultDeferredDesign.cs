using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Designs;

/// <summary>
/// What-if, in no kernel: the page-fault-handler design discussed upstream (KERNEL.md §5: Carlos Llamas' 2023
/// linux-mm question, the 6.14 cover letter's "page fault handler for binder next", Jann Horn's lazy-PTE
/// suggestion). Assumptions, each a choice where no code exists:
/// <list type="number">
/// <item>Carve and LRU handling are exactly 6.14's (alloc->mutex, unconditional update_page_range, ascending LRU adds).</item>
/// <item>The sender allocates each missing page with no lock held and only publishes it in <c>alloc->pages</c>
/// (the kernel copies through its own mapping); <c>binder_alloc_page_start/end</c> bracket just that allocation,
/// so the sender never touches the target's mmap_lock.</item>
/// <item>The receiver's first access to each page of the buffer faults; <c>binder_vm_fault</c> maps the published
/// page under the per-VMA read lock, or under the mmap read lock when the VMA lock fails (mmap_lock events then
/// appear on the receiving thread, outside any alloc_page window). No new tracepoint is invented for the fault.</item>
/// <item>The receiver touches every page of the buffer (a Parcel is read front to back).</item>
/// <item>The shrinker keeps 6.14's order (VMA lock / mmap read trylock, mutex_trylock, unmap_kernel, zap);
/// unmap_user is traced only when a PTE exists, because an unfaulted page has nothing to zap.</item>
/// </list>
/// </summary>
internal sealed class FaultDeferredDesign : PerPageDesign
{
    private readonly PageConcurrentDesign _shrinkLikeConcurrent = new();

    public override AllocatorDesignInfo Info { get; } = new(
        AllocatorDesign.FaultDeferred, "what-if (fault handler)", "none (proposal)",
        "sender allocates pages with no mmap_lock; receiver's first touch maps them via binder_vm_fault under the per-VMA lock");

    /// <summary>A design after 6.14 would run on a kernel with the memcg_id tracepoint format.</summary>
    public override bool PrintsMemcgId => true;

    public override SimLock CreateAllocLock(Scheduler scheduler, int tgid) => new SimMutex(scheduler, $"alloc->mutex/{tgid}");

    public override IEnumerable<Step> ShrinkPage(SimContext c, SimTask t, BinderProcess p, long page, ShrinkResult result) =>
        _shrinkLikeConcurrent.ShrinkPage(c, t, p, page, result);

    public override IEnumerable<Step> Receive(SimContext c, SimTask t, BinderProcess p, PendingTransaction transaction)
    {
        var first = BufferSpace.PageDown(transaction.BufferOffset) / BufferSpace.PageSize;
        var end = BufferSpace.PageAlign(transaction.BufferOffset + transaction.BufferSize) / BufferSpace.PageSize;
        for (var page = first; page < end; page++)
        {
            if (p.Pages.IsMapped(page))
            {
                continue;
            }

            var vmaLocked = TryLockVma(p);
            if (!vmaLocked)
            {
                yield return Step.Call(MmapLock(c, t, p, write: false));
            }

            if (!p.Pages.IsMapped(page))
            {
                p.Pages.Map(page);
                yield return Step.Run(c.Costs.FaultInstallNs);
            }

            if (!vmaLocked)
            {
                MmapUnlock(c, t, p, write: false);
            }
        }
    }

    protected override IEnumerable<Step> InstallSinglePage(SimContext c, SimTask t, BinderProcess p, long page, bool firstOfAllocation)
    {
        yield return Step.Run(c.AllocPageCost(firstOfAllocation));
        Publish(c, p, page, mapped: false);
    }
}
