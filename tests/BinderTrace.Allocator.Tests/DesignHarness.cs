using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Drives one design's coroutines directly on a fresh process, collecting the events as "name payload" strings.</summary>
internal sealed class DesignHarness
{
    public const int Tgid = 500;

    private readonly SimulatedDesign _design;

    public DesignHarness(string designName)
    {
        _design = AllocatorDesigns.Find(designName)!;
        Scheduler = new Scheduler(4, 1000, 100);
        Emitter = new TraceEmitter(Scheduler, 0, memcgId: false);
        Context = new SimContext(Scheduler, Emitter, new CostModel(), new SplitMix64(1));
        var buffers = new BufferSpace(1 << 20, _design.Accounting);
        Process = new BinderProcess(Tgid, 0xabc, buffers, Context.Lru.CreatePages(buffers.PageCount),
            _design.CreateAllocLock(Scheduler, Tgid), new SimRwSemaphore(Scheduler, "mm"));
        Context.Processes.Add(Process);
    }

    public Scheduler Scheduler { get; }

    public TraceEmitter Emitter { get; }

    public SimContext Context { get; }

    public BinderProcess Process { get; }

    public AllocationRequest Allocate(long dataSize, int pid = 501, long at = 0)
    {
        var request = new AllocationRequest { DataSize = dataSize, SenderPid = 600 };
        Start(pid, t => _design.Allocate(Context, t, Process, request), at);
        return request;
    }

    public void Free(int handle, int pid = 502, long at = 0) => Start(pid, t => _design.Free(Context, t, Process, handle), at);

    /// <summary>One shrinker callback on <paramref name="page"/>, entered with the LRU lock held as list_lru_walk does.</summary>
    public ShrinkResult Shrink(long page, int pid = 90)
    {
        var result = new ShrinkResult();
        Start(pid, t => ShrinkBody(t, page, result), 0);
        return result;
    }

    public void Receive(AllocationRequest request, long dataSize, int pid = 503, long at = 0)
    {
        var work = new PendingTransaction { BufferOffset = request.Result.Offset, BufferSize = request.Result.Size, DataSize = dataSize };
        Start(pid, t => _design.Receive(Context, t, Process, work), at);
    }

    public void Start(int pid, Func<SimTask, IEnumerable<Step>> body, long at)
    {
        var task = new SimTask(pid, Tgid, "t");
        task.Push(body(task).GetEnumerator());
        Scheduler.Start(task, at);
    }

    /// <summary>Runs until nothing is pending and returns the events as lines "name fields" (with " [depth]" when asked).</summary>
    public List<string> RunToEnd(bool withDepth = false)
    {
        while (Scheduler.RunNext())
        {
        }

        var lines = new List<string>();
        while (Emitter.TryDequeue(out var e, out var depth))
        {
            lines.Add(withDepth ? $"{Describe(e)} [{depth}]" : Describe(e));
        }

        return lines;
    }

    private IEnumerable<Step> ShrinkBody(SimTask t, long page, ShrinkResult result)
    {
        yield return Step.Acquire(Context.LruLock);
        yield return Step.Call(_design.ShrinkPage(Context, t, Process, page, result));
        Context.LruLock.Release(t, LockMode.Write);
    }

    private static string Describe(TraceEvent e) => e.Kind switch
    {
        EventKind.BinderUpdatePageRange => $"{e.Name} allocate={(e.PageRange.Allocate ? 1 : 0)} offset={e.PageRange.Offset} size={e.PageRange.Size}",
        >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => $"{e.Name} {e.Page.PageIndex}",
        EventKind.MmapLockAcquireReturned => $"{e.Name} write={e.MmapLock.Write} success={e.MmapLock.Success}",
        EventKind.MmapLockStartLocking or EventKind.MmapLockReleased => $"{e.Name} write={e.MmapLock.Write}",
        _ => e.Name,
    };
}
