using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Workload;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// The bodies of the simulated threads: binder clients, server loopers, app threads using the server's mmap_lock,
/// and kswapd running the shrinker. Transaction flow and tracepoint order follow the captures: binder_transaction,
/// the allocation, binder_transaction_alloc_buf on the sender; binder_transaction_received, then
/// binder_txn_latency_free when the transaction struct is freed (at receipt for oneway and replies, when the reply
/// is sent for two-way), and binder_transaction_buffer_release before BC_FREE_BUFFER frees the buffer.
/// Simplifications: oneway transactions are not serialized per node; ioctl/command/return/sched events are not emitted.
/// </summary>
internal sealed class WorkloadThreads(SimContext c, SimulatedDesign design, WorkloadSpec spec, IReadOnlyList<BinderProcess> servers)
{
    /// <summary>TF_ONE_WAY in binder_transaction's flags.</summary>
    private const uint OneWayFlag = 0x01;

    /// <summary>The first server's node debug id as the captures show it (the context manager's node); others follow.</summary>
    private const int FirstServerNode = 1;

    /// <summary>SHRINK_BATCH: list_lru_walk is called with at most this many entries per batch.</summary>
    private const int ShrinkBatch = 128;

    private readonly Dictionary<SimTask, PendingTransaction?> _replies = [];
    private int _nextDebugId = 1;

    public IEnumerable<Step> Client(SimTask self, BinderProcess own)
    {
        _replies[self] = null;
        while (true)
        {
            yield return Step.Sleep(c.Rng.NextExponential(spec.ClientThinkNs));
            var serverIndex = (int)c.Rng.NextInRange(0, servers.Count - 1);
            var server = servers[serverIndex];
            var oneWay = c.Rng.Chance(spec.OneWayFraction);
            var size = DrawSize(spec.RequestSizes);
            var code = (uint)c.Rng.NextInRange(1, 0x20);
            var id = _nextDebugId++;
            yield return Step.Run(c.Costs.TransactionLegNs);
            c.Emitter.Transaction(self, new TransactionEvent(id, FirstServerNode + serverIndex, server.Tgid, 0, 0, oneWay ? OneWayFlag : 0, code));
            var request = new AllocationRequest { DataSize = size, OneWay = oneWay, SenderPid = own.Tgid };
            yield return Step.Call(design.Allocate(c, self, server, request));
            if (request.Result.Status != BufferAllocationStatus.Ok)
            {
                continue;
            }

            c.Counters.Transactions++;
            yield return Step.Run(CopyCost(size));
            c.Emitter.Buffer(self, EventKind.BinderTransactionAllocBuf, id, size, 0);
            Deliver(server, new PendingTransaction
            {
                DebugId = id, From = oneWay ? null : self, FromProcess = own, OneWay = oneWay, Code = code,
                BufferHandle = request.Result.Handle, BufferOffset = request.Result.Offset, DataSize = size,
                BufferSize = request.Result.Size,
            });
            if (oneWay)
            {
                continue;
            }

            while (_replies[self] is null)
            {
                yield return Step.Block();
            }

            var reply = _replies[self]!;
            _replies[self] = null;
            if (reply.BufferHandle < 0)
            {
                continue;
            }

            c.Emitter.Received(self, reply.DebugId);
            c.Emitter.LatencyFree(self, new TxnLatencyFreeEvent(reply.DebugId, server.Tgid, reply.FromThread, own.Tgid, self.Pid, 0, 0));
            yield return Step.Call(design.Receive(c, self, own, reply));
            yield return Step.Run(spec.ClientReplyHandlingNs);
            c.Emitter.Buffer(self, EventKind.BinderTransactionBufferRelease, reply.DebugId, reply.DataSize, 0);
            yield return Step.Call(design.Free(c, self, own, reply.BufferHandle));
        }
    }

    public IEnumerable<Step> Looper(SimTask self, BinderProcess server)
    {
        while (true)
        {
            if (!server.Todo.TryDequeue(out var work))
            {
                server.IdleLoopers.Enqueue(self);
                yield return Step.Block();
                continue;
            }

            c.Emitter.Received(self, work.DebugId);
            if (work.OneWay)
            {
                c.Emitter.LatencyFree(self, new TxnLatencyFreeEvent(work.DebugId, 0, 0, server.Tgid, 0, work.Code, OneWayFlag));
            }

            yield return Step.Call(design.Receive(c, self, server, work));
            yield return Step.Run(c.Rng.NextExponential(spec.ServerHandlingNs));
            if (!work.OneWay)
            {
                yield return Step.Call(Reply(self, server, work));
            }

            c.Emitter.Buffer(self, EventKind.BinderTransactionBufferRelease, work.DebugId, work.DataSize, 0);
            yield return Step.Call(design.Free(c, self, server, work.BufferHandle));
        }
    }

    public IEnumerable<Step> AppThread(SimTask self, BinderProcess server)
    {
        while (true)
        {
            yield return Step.Sleep(c.Rng.NextExponential(spec.AppIntervalNs));
            var write = c.Rng.Chance(spec.AppWriteFraction);
            if (!write)
            {
                yield return Step.Call(MmapHold(self, server, write: false, spec.AppReadHoldNs));
                continue;
            }

            yield return Step.Call(MmapHold(self, server, write: true, spec.AppWriteHoldNs));
            if (c.Rng.Chance(spec.AppMunmapFraction))
            {
                // munmap: detach under the write lock, downgrade (only acquire_returned write=false), free under read.
                c.Emitter.MmapLock(self, EventKind.MmapLockAcquireReturned, server.MmId, write: false, success: true);
                server.MmapLock.Downgrade(self);
                yield return Step.Run(spec.AppWriteHoldNs);
                c.Emitter.MmapLock(self, EventKind.MmapLockReleased, server.MmId, write: false, success: false);
                server.MmapLock.Release(self, LockMode.Read);
            }
            else
            {
                c.Emitter.MmapLock(self, EventKind.MmapLockReleased, server.MmId, write: true, success: false);
                server.MmapLock.Release(self, LockMode.Write);
            }
        }
    }

    /// <summary>kswapd: each episode raises alloc_page's slow-path odds and scans part of the LRU in SHRINK_BATCH walks.</summary>
    public IEnumerable<Step> Kswapd(SimTask self)
    {
        var result = new ShrinkResult();
        while (true)
        {
            yield return Step.Sleep(spec.PressureIntervalNs);
            c.PressureUntil = c.Scheduler.Now + spec.PressureDurationNs;
            var toScan = (long)(c.Lru.Count * spec.PressureScanFraction);
            while (toScan > 0 && c.Lru.Count > 0)
            {
                var batch = (int)Math.Min(ShrinkBatch, toScan);
                toScan -= batch;
                yield return Step.Acquire(c.LruLock);
                var found = c.Lru.TryPeekHead(out var owner, out var page);
                var visited = 0;
                while (batch-- > 0 && found)
                {
                    visited++;
                    yield return Step.Call(design.ShrinkPage(c, self, c.Processes[owner], page, result));
                    if (result.Removed)
                    {
                        found = c.Lru.TryPeekHead(out owner, out page);
                    }
                    else
                    {
                        c.Counters.ShrinkerSkips++;
                        found = c.Lru.TryNext(owner, page, out owner, out page);
                    }
                }

                yield return Step.Run(visited * c.Costs.ShrinkVisitNs);
                c.LruLock.Release(self, LockMode.Write);
            }
        }
    }

    private IEnumerable<Step> Reply(SimTask self, BinderProcess server, PendingTransaction work)
    {
        var client = work.FromProcess!;
        var size = DrawSize(spec.ReplySizes);
        var id = _nextDebugId++;
        yield return Step.Run(c.Costs.TransactionLegNs);
        c.Emitter.Transaction(self, new TransactionEvent(id, 0, client.Tgid, work.From!.Pid, 1, 0, 0));
        var request = new AllocationRequest { DataSize = size, SenderPid = server.Tgid };
        yield return Step.Call(design.Allocate(c, self, client, request));
        var ok = request.Result.Status == BufferAllocationStatus.Ok;
        if (ok)
        {
            c.Counters.Transactions++;
            yield return Step.Run(CopyCost(size));
            c.Emitter.Buffer(self, EventKind.BinderTransactionAllocBuf, id, size, 0);
        }

        c.Emitter.LatencyFree(self, new TxnLatencyFreeEvent(work.DebugId, client.Tgid, work.From.Pid, server.Tgid, self.Pid, work.Code, 0));
        // A failed reply still wakes the client (BR_FAILED_REPLY); it then has no buffer to free.
        _replies[work.From] = ok
            ? new PendingTransaction
            {
                DebugId = id, FromProcess = server, FromThread = self.Pid, Code = 0, BufferHandle = request.Result.Handle,
                BufferOffset = request.Result.Offset, DataSize = size, BufferSize = request.Result.Size,
            }
            : new PendingTransaction { DebugId = id, BufferHandle = -1 };
        c.Scheduler.Wake(work.From);
    }

    private IEnumerable<Step> MmapHold(SimTask self, BinderProcess server, bool write, long holdNs)
    {
        c.Emitter.MmapLock(self, EventKind.MmapLockStartLocking, server.MmId, write, success: false);
        yield return Step.Acquire(server.MmapLock, write ? LockMode.Write : LockMode.Read);
        c.Emitter.MmapLock(self, EventKind.MmapLockAcquireReturned, server.MmId, write, success: true);
        yield return Step.Run(holdNs);
        if (!write)
        {
            c.Emitter.MmapLock(self, EventKind.MmapLockReleased, server.MmId, write: false, success: false);
            server.MmapLock.Release(self, LockMode.Read);
        }
    }

    private void Deliver(BinderProcess target, PendingTransaction work)
    {
        target.Todo.Enqueue(work);
        if (target.IdleLoopers.TryDequeue(out var looper))
        {
            c.Scheduler.Wake(looper);
        }
    }

    private long DrawSize(IReadOnlyList<PayloadBucket> buckets)
    {
        double total = 0;
        foreach (var b in buckets)
        {
            total += b.Weight;
        }

        var pick = c.Rng.NextDouble() * total;
        foreach (var b in buckets)
        {
            if (pick < b.Weight)
            {
                return c.Rng.NextInRange(b.MinBytes, b.MaxBytes);
            }

            pick -= b.Weight;
        }

        var last = buckets[^1];
        return c.Rng.NextInRange(last.MinBytes, last.MaxBytes);
    }

    private long CopyCost(long size) => c.Costs.CopyPerPageNs * ((size + BufferSpace.PageSize - 1) / BufferSpace.PageSize);
}
