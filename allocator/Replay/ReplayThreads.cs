using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Replay;

/// <summary>
/// The bodies of replayed threads: each runs its traced script in order, keeping the traced gap between the end of
/// one step and the start of the next, while the design under test decides how long sends and frees take and who
/// waits for whom. A transaction reaches the thread that received it in the trace; a send that fails in the
/// simulation (no space) is skipped by its receiver and its free.
/// </summary>
internal sealed class ReplayThreads(SimContext c, SimulatedDesign design, IReadOnlyDictionary<int, BinderProcess> processes, long firstTimestampNs)
{
    /// <summary>SHRINK_BATCH: list_lru_walk is called with at most this many entries per batch.</summary>
    private const int ShrinkBatch = 128;

    private readonly Dictionary<int, Delivery> _deliveries = [];
    private readonly Dictionary<ulong, BinderProcess> _byMm = processes.Values.GroupBy(p => p.MmId).ToDictionary(g => g.Key, g => g.First());

    public IEnumerable<Step> Thread(SimTask self, ReplayThread script)
    {
        var simEnd = 0L;
        var realEnd = firstTimestampNs;
        foreach (var a in script.Actions)
        {
            if (a.Kind != ReplayActionKind.Receive)
            {
                var wait = simEnd + (a.RealStartNs - realEnd) - c.Scheduler.Now;
                if (wait > 0)
                {
                    yield return Step.Sleep(wait);
                }
            }

            var body = a.Kind switch
            {
                ReplayActionKind.Send => Send(self, a),
                ReplayActionKind.Receive => Receive(self, a),
                ReplayActionKind.Free => Free(self, a.TransactionId),
                _ => Hold(self, a),
            };
            yield return Step.Call(body);
            simEnd = c.Scheduler.Now;
            realEnd = a.RealEndNs;
        }
    }

    /// <summary>
    /// One shrinker pass at its traced time: walks the LRU and reclaims, per process, as many pages as the traced
    /// pass did; other processes' pages are passed over (in the trace they were gone or left alone).
    /// </summary>
    public IEnumerable<Step> Shrinker(SimTask self, ShrinkerRun run)
    {
        var start = run.RealStartNs - firstTimestampNs;
        if (start > 0)
        {
            yield return Step.Sleep(start);
        }

        var budget = new Dictionary<int, int>(run.PagesByProc);
        var wanted = run.PagesReclaimed;
        var result = new ShrinkResult();
        var reclaimed = 0;
        long visited = 0;
        var length = c.Lru.Count;
        while (reclaimed < wanted && visited < length && c.Lru.Count > 0)
        {
            yield return Step.Acquire(c.LruLock);
            var found = c.Lru.TryPeekHead(out var owner, out var page);
            var n = 0;
            while (n < ShrinkBatch && found && reclaimed < wanted)
            {
                var proc = c.Processes[owner];
                if (budget.GetValueOrDefault(proc.Tgid) <= 0)
                {
                    found = c.Lru.TryNext(owner, page, out owner, out page);
                    continue;
                }

                n++;

                yield return Step.Call(design.ShrinkPage(c, self, proc, page, result));
                if (result.Removed)
                {
                    reclaimed++;
                    budget[proc.Tgid]--;
                    found = c.Lru.TryPeekHead(out owner, out page);
                }
                else
                {
                    c.Counters.ShrinkerSkips++;
                    found = c.Lru.TryNext(owner, page, out owner, out page);
                }
            }

            visited += n;
            yield return Step.Run(n * c.Costs.ShrinkVisitNs);
            c.LruLock.Release(self, LockMode.Write);
            if (n == 0)
            {
                break;
            }
        }
    }

    private IEnumerable<Step> Send(SimTask self, ReplayAction a)
    {
        var delivery = DeliveryOf(a.TransactionId);
        if (!processes.TryGetValue(a.TargetProc, out var target))
        {
            Fail(delivery);
            yield break;
        }

        c.Emitter.Transaction(self, new TransactionEvent(a.TransactionId, a.TargetNode, a.TargetProc, a.TargetThread, a.Reply ? 1 : 0, a.OneWay ? 1u : 0u, a.Code));
        if (a.StallNs > 0)
        {
            yield return Step.Sleep(a.StallNs);
        }

        var request = new AllocationRequest { DataSize = a.DataSize, OffsetsSize = a.OffsetsSize, OneWay = a.OneWay, SenderPid = self.Tgid };
        self.MutexWakeLatencyNs = a.LockWakeLatencyNs > 0 ? a.LockWakeLatencyNs : -1;
        yield return Step.Call(design.Allocate(c, self, target, request));
        self.MutexWakeLatencyNs = -1;
        if (request.Result.Status != BufferAllocationStatus.Ok)
        {
            Fail(delivery);
            yield break;
        }

        c.Counters.Transactions++;
        var pages = (a.DataSize + a.OffsetsSize + BufferSpace.PageSize - 1) / BufferSpace.PageSize;
        yield return Step.Run(c.Costs.CopyPerPageNs * Math.Max(1, pages));
        c.Emitter.Buffer(self, EventKind.BinderTransactionAllocBuf, a.TransactionId, a.DataSize, a.OffsetsSize);
        delivery.Process = target;
        delivery.DeliveredAt = c.Scheduler.Now;
        delivery.Transaction = new PendingTransaction
        {
            DebugId = a.TransactionId, OneWay = a.OneWay, Code = a.Code, BufferHandle = request.Result.Handle,
            BufferOffset = request.Result.Offset, DataSize = a.DataSize, BufferSize = request.Result.Size,
        };
        WakeWaiters(delivery);
    }

    private IEnumerable<Step> Receive(SimTask self, ReplayAction a)
    {
        var id = a.TransactionId;
        var delivery = DeliveryOf(id);
        while (delivery.Transaction is null && !delivery.Failed)
        {
            delivery.Waiters.Add(self);
            yield return Step.Block();
        }

        if (delivery.Failed)
        {
            yield break;
        }

        var wait = delivery.DeliveredAt + a.DeliveryDelayNs - c.Scheduler.Now;
        if (wait > 0)
        {
            yield return Step.Sleep(wait);
        }

        c.Emitter.Received(self, id);
        yield return Step.Call(design.Receive(c, self, delivery.Process!, delivery.Transaction!));
    }

    private IEnumerable<Step> Free(SimTask self, int id)
    {
        var delivery = DeliveryOf(id);
        while (delivery.Transaction is null && !delivery.Failed)
        {
            delivery.Waiters.Add(self);
            yield return Step.Block();
        }

        if (delivery.Failed || delivery.Freed)
        {
            yield break;
        }

        delivery.Freed = true;
        var t = delivery.Transaction!;
        c.Emitter.Buffer(self, EventKind.BinderTransactionBufferRelease, id, t.DataSize, 0);
        yield return Step.Call(design.Free(c, self, delivery.Process!, t.BufferHandle));
        _deliveries.Remove(id);
    }

    private IEnumerable<Step> Hold(SimTask self, ReplayAction a)
    {
        var p = _byMm[a.Mm];
        var mode = a.Write ? LockMode.Write : LockMode.Read;
        c.Emitter.MmapLock(self, EventKind.MmapLockStartLocking, p.MmId, a.Write, success: false);
        if (a.WaitOffCpu.PreemptedNs > 0)
        {
            yield return Step.Sleep(a.WaitOffCpu.PreemptedNs);
        }

        self.MmapWriterWakeLatencyNs = a.Write && a.WaitOffCpu.WakeNs > 0 ? a.WaitOffCpu.WakeNs : -1;
        yield return Step.Acquire(p.MmapLock, mode);
        self.MmapWriterWakeLatencyNs = -1;
        c.Emitter.MmapLock(self, EventKind.MmapLockAcquireReturned, p.MmId, a.Write, success: true);
        if (a.HoldNs > 0)
        {
            yield return Step.Sleep(a.HoldNs);
        }

        if (a.Downgraded)
        {
            c.Emitter.MmapLock(self, EventKind.MmapLockAcquireReturned, p.MmId, write: false, success: true);
            p.MmapLock.Downgrade(self);
            if (a.DowngradedReadNs > 0)
            {
                yield return Step.Sleep(a.DowngradedReadNs);
            }

            mode = LockMode.Read;
        }

        c.Emitter.MmapLock(self, EventKind.MmapLockReleased, p.MmId, mode == LockMode.Write, success: false);
        p.MmapLock.Release(self, mode);
    }

    private Delivery DeliveryOf(int id)
    {
        if (!_deliveries.TryGetValue(id, out var d))
        {
            d = new Delivery();
            _deliveries[id] = d;
        }

        return d;
    }

    private void Fail(Delivery delivery)
    {
        delivery.Failed = true;
        WakeWaiters(delivery);
    }

    private void WakeWaiters(Delivery delivery)
    {
        foreach (var waiter in delivery.Waiters)
        {
            c.Scheduler.Wake(waiter);
        }

        delivery.Waiters.Clear();
    }

    private sealed class Delivery
    {
        public PendingTransaction? Transaction { get; set; }

        public BinderProcess? Process { get; set; }

        public long DeliveredAt { get; set; }

        public bool Failed { get; set; }

        public bool Freed { get; set; }

        public List<SimTask> Waiters { get; } = [];
    }
}
