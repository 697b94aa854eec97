using BinderTrace.Allocator.Model;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>A request to carve a buffer in a target process; the design fills <see cref="Result"/>.</summary>
internal sealed class AllocationRequest
{
    public long DataSize { get; init; }

    public long OffsetsSize { get; init; }

    public bool OneWay { get; init; }

    /// <summary>The pid the spam detection charges (6.1: the sender's pid; 6.8+: current->tgid; both the sender's process here).</summary>
    public int SenderPid { get; init; }

    public BufferAllocation Result { get; set; }
}

/// <summary>Whether one shrinker callback freed its page (<c>LRU_REMOVED_RETRY</c>) or left it (<c>LRU_SKIP</c>).</summary>
internal sealed class ShrinkResult
{
    public bool Removed { get; set; }
}

/// <summary>
/// One kernel generation of binder's page allocator as a set of coroutines: allocation, free, the shrinker's
/// per-page callback and (for the what-if) the receiver's first touch. Each emits the tracepoints that kernel
/// emits, in its order, under the locks it holds (KERNEL.md §2–§4, §9).
/// </summary>
internal abstract class SimulatedDesign
{
    public abstract AllocatorDesignInfo Info { get; }

    public abstract AsyncAccounting Accounting { get; }

    /// <summary>mmap_lock events print <c>memcg_id=</c> (6.14+) instead of <c>memcg_path=</c> (KERNEL.md §7).</summary>
    public virtual bool PrintsMemcgId => false;

    public abstract SimLock CreateAllocLock(Scheduler scheduler, int tgid);

    public abstract IEnumerable<Step> Allocate(SimContext c, SimTask t, BinderProcess p, AllocationRequest request);

    public abstract IEnumerable<Step> Free(SimContext c, SimTask t, BinderProcess p, int handle);

    /// <summary>The list_lru walk callback for one page; entered and left with the LRU spinlock held.</summary>
    public abstract IEnumerable<Step> ShrinkPage(SimContext c, SimTask t, BinderProcess p, long page, ShrinkResult result);

    /// <summary>The receiver reads a delivered buffer. Only the fault-deferred what-if does anything here.</summary>
    public virtual IEnumerable<Step> Receive(SimContext c, SimTask t, BinderProcess p, PendingTransaction transaction) => [];

    /// <summary><c>mmap_read_lock</c> / <c>mmap_write_lock</c>: start_locking, the wait, acquire_returned.</summary>
    protected static IEnumerable<Step> MmapLock(SimContext c, SimTask t, BinderProcess p, bool write)
    {
        c.Emitter.MmapLock(t, EventKind.MmapLockStartLocking, p.MmId, write, success: false);
        yield return Step.Acquire(p.MmapLock, write ? LockMode.Write : LockMode.Read);
        c.Emitter.MmapLock(t, EventKind.MmapLockAcquireReturned, p.MmId, write, success: true);
    }

    /// <summary><c>mmap_*_unlock</c>: released fires before the up (since 5.15).</summary>
    protected static void MmapUnlock(SimContext c, SimTask t, BinderProcess p, bool write)
    {
        c.Emitter.MmapLock(t, EventKind.MmapLockReleased, p.MmId, write, success: false);
        p.MmapLock.Release(t, write ? LockMode.Write : LockMode.Read);
    }

    /// <summary><c>mmap_read_trylock</c>: start_locking then acquire_returned with the outcome (seen in the 6.1 and 6.12 captures).</summary>
    protected static bool MmapReadTrylock(SimContext c, SimTask t, BinderProcess p)
    {
        c.Emitter.MmapLock(t, EventKind.MmapLockStartLocking, p.MmId, write: false, success: false);
        var ok = p.MmapLock.TryAcquire(t, LockMode.Read);
        c.Emitter.MmapLock(t, EventKind.MmapLockAcquireReturned, p.MmId, write: false, ok);
        return ok;
    }

    /// <summary><c>lock_vma_under_rcu</c>: fails while a writer holds the mmap_lock (the VMA may be write-locked); no tracepoint.</summary>
    protected static bool TryLockVma(BinderProcess p) => !p.MmapLock.IsWriteLocked;

    protected static BufferAllocation Carve(SimContext c, BinderProcess p, AllocationRequest request)
    {
        var a = p.Buffers.Allocate(request.DataSize, request.OffsetsSize, 0, request.OneWay, request.SenderPid);
        request.Result = a;
        if (a.Status != BufferAllocationStatus.Ok)
        {
            c.Counters.AllocationFailures++;
        }
        else if (a.OneWaySpamSuspect)
        {
            c.Counters.OneWaySpamSuspects++;
        }

        return a;
    }

    /// <summary>The reclaimed page leaves the LRU and its slot (the trace has already announced it).</summary>
    protected static void Reclaim(SimContext c, BinderProcess p, long page)
    {
        p.Pages.Reclaim(page);
        c.Counters.PagesReclaimed++;
    }
}
