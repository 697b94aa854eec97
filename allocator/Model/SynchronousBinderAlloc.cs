namespace BinderTrace.Allocator.Model;

/// <summary>Where a design installs pages relative to the buffer carve.</summary>
public enum PageInstallStyle
{
    /// <summary>6.1 <c>binder_update_page_range</c>: installs exactly the allocation range, under the alloc lock.</summary>
    Range,

    /// <summary>6.8+: LRU removal over the allocation range, then installation of every missing page the buffer touches.</summary>
    PerPageScan,
}

/// <summary>
/// One process's binder allocator with every step applied at once (no locks, no time): the oracle harness the
/// KUnit port drives, and a reference for the timed designs, which apply the same rules step by step.
/// </summary>
public sealed class SynchronousBinderAlloc
{
    private readonly PageInstallStyle _style;

    public SynchronousBinderAlloc(GlobalLru lru, long mappingSize, PageInstallStyle style, AsyncAccounting accounting)
    {
        ArgumentNullException.ThrowIfNull(lru);
        Lru = lru;
        Buffers = new BufferSpace(mappingSize, accounting);
        Pages = lru.CreatePages(Buffers.PageCount);
        _style = style;
    }

    public GlobalLru Lru { get; }

    public BufferSpace Buffers { get; }

    public BinderPages Pages { get; }

    public BufferAllocation Allocate(long dataSize, bool isAsync = false, int pid = 1)
    {
        var a = Buffers.Allocate(dataSize, 0, 0, isAsync, pid);
        if (a.Status != BufferAllocationStatus.Ok)
        {
            return a;
        }

        var range = PageRanges.ForAllocation(a);
        for (var p = PageRanges.FirstPage(range); p < PageRanges.EndPage(range); p++)
        {
            if (Pages.IsInstalled(p))
            {
                Pages.TakeFromLru(p);
            }
            else if (_style == PageInstallStyle.Range)
            {
                Pages.Install(p, mapped: true);
            }
        }

        if (_style == PageInstallStyle.PerPageScan)
        {
            var scan = PageRanges.ForInstallScan(a);
            for (var p = PageRanges.FirstPage(scan); p < PageRanges.EndPage(scan); p++)
            {
                if (!Pages.IsInstalled(p))
                {
                    Pages.Install(p, mapped: true);
                }
            }
        }

        return a;
    }

    public void Free(int handle)
    {
        var release = Buffers.Free(handle);
        for (var p = PageRanges.FirstPage(release.Range); p < PageRanges.EndPage(release.Range); p++)
        {
            PutOnLru(p);
        }

        if (release.ExtraPages > 0)
        {
            PutOnLru(release.ExtraPage0 / BufferSpace.PageSize);
        }

        if (release.ExtraPages > 1)
        {
            PutOnLru(release.ExtraPage1 / BufferSpace.PageSize);
        }
    }

    /// <summary>Walks the LRU from its head freeing every page of this process (the KUnit freelist walk).</summary>
    public int ReclaimAll()
    {
        var freed = 0;
        while (Lru.TryPeekHead(out var owner, out var page) && owner == Pages.Owner)
        {
            Pages.Reclaim(page);
            freed++;
        }

        return freed;
    }

    private void PutOnLru(long page)
    {
        // 6.8+ skips pages that were never installed; 6.1 would WARN, and the boundary rule means it never has to.
        if (_style == PageInstallStyle.PerPageScan && !Pages.IsInstalled(page))
        {
            return;
        }

        Pages.PutOnLru(page);
    }
}
