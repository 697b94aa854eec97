using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Designs;

/// <summary>
/// What 6.8+ share (KERNEL.md §3, §4): the carve under the alloc lock traces <c>binder_update_page_range</c>
/// unconditionally (empty and wrapped ranges included) and only takes installed pages off the LRU; missing pages
/// are installed one by one after the lock is dropped, over every page the buffer touches. Free traces the range
/// unconditionally and adds installed pages in ascending order.
/// </summary>
internal abstract class PerPageDesign : SimulatedDesign
{
    public override AsyncAccounting Accounting => AsyncAccounting.Size;

    public override IEnumerable<Step> Allocate(SimContext c, SimTask t, BinderProcess p, AllocationRequest request)
    {
        yield return Step.Run(c.Costs.CarveSetupNs);
        yield return Step.Acquire(p.AllocLock);
        yield return Step.Run(c.Costs.CarveNs);
        var a = Carve(c, p, request);
        if (a.Status != BufferAllocationStatus.Ok)
        {
            p.AllocLock.Release(t, LockMode.Write);
            yield break;
        }

        var range = PageRanges.ForAllocation(a);
        c.Emitter.PageRange(t, p.Tgid, allocate: true, range.Start, PageRanges.TracedSize(range));
        for (var page = PageRanges.FirstPage(range); page < PageRanges.EndPage(range); page++)
        {
            if (!p.Pages.IsInstalled(page))
            {
                continue;
            }

            c.Emitter.Page(t, EventKind.BinderAllocLruStart, p.Tgid, page);
            p.Pages.TakeFromLru(page);
            yield return Step.Run(c.Costs.LruOpNs);
            c.Emitter.Page(t, EventKind.BinderAllocLruEnd, p.Tgid, page);
        }

        p.AllocLock.Release(t, LockMode.Write);
        var scan = PageRanges.ForInstallScan(a);
        var first = true;
        for (var page = PageRanges.FirstPage(scan); page < PageRanges.EndPage(scan); page++)
        {
            if (p.Pages.IsInstalled(page))
            {
                continue;
            }

            c.Emitter.Page(t, EventKind.BinderAllocPageStart, p.Tgid, page);
            yield return Step.Call(InstallSinglePage(c, t, p, page, first));
            var overhead = c.Costs.InstallOverheadNs + (first ? c.Costs.FirstInstallOverheadNs : 0);
            if (overhead > 0)
            {
                yield return Step.Run(overhead);
            }

            first = false;

            c.Emitter.Page(t, EventKind.BinderAllocPageEnd, p.Tgid, page);
        }
    }

    public override IEnumerable<Step> Free(SimContext c, SimTask t, BinderProcess p, int handle)
    {
        yield return Step.Acquire(p.AllocLock);
        var release = p.Buffers.Free(handle);
        yield return Step.Call(AddRangeToLru(c, t, p, release.Range));
        for (var i = 0; i < release.ExtraPages; i++)
        {
            var start = i == 0 ? release.ExtraPage0 : release.ExtraPage1;
            yield return Step.Call(AddRangeToLru(c, t, p, new PageSpan(start, start + BufferSpace.PageSize)));
        }

        p.AllocLock.Release(t, LockMode.Write);
    }

    /// <summary>
    /// <c>binder_install_single_page</c>: called between alloc_page_start and alloc_page_end;
    /// <paramref name="firstOfAllocation"/> for the first page this allocation installs.
    /// </summary>
    protected abstract IEnumerable<Step> InstallSinglePage(SimContext c, SimTask t, BinderProcess p, long page, bool firstOfAllocation);

    /// <summary>Publishes the page unless a racing installer already did (both publish the same page).</summary>
    protected static void Publish(SimContext c, BinderProcess p, long page, bool mapped)
    {
        if (p.Pages.IsInstalled(page))
        {
            return;
        }

        p.Pages.Install(page, mapped);
        c.Counters.PagesInstalled++;
    }

    private static IEnumerable<Step> AddRangeToLru(SimContext c, SimTask t, BinderProcess p, PageSpan range)
    {
        c.Emitter.PageRange(t, p.Tgid, allocate: false, range.Start, PageRanges.TracedSize(range));
        for (var page = PageRanges.FirstPage(range); page < PageRanges.EndPage(range); page++)
        {
            if (!p.Pages.IsInstalled(page))
            {
                continue;
            }

            c.Emitter.Page(t, EventKind.BinderFreeLruStart, p.Tgid, page);
            p.Pages.PutOnLru(page);
            yield return Step.Run(c.Costs.LruOpNs);
            c.Emitter.Page(t, EventKind.BinderFreeLruEnd, p.Tgid, page);
        }
    }
}
