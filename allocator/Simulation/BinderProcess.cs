using BinderTrace.Allocator.Model;

namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// A process that opened binder: its <c>binder_alloc</c> (buffer space, pages, alloc lock) and its mm (the
/// mmap_lock every design competes for, identified in the trace by a hashed pointer).
/// </summary>
internal sealed class BinderProcess
{
    public BinderProcess(int tgid, ulong mmId, BufferSpace buffers, BinderPages pages, SimLock allocLock, SimRwSemaphore mmapLock)
    {
        Tgid = tgid;
        MmId = mmId;
        Buffers = buffers;
        Pages = pages;
        AllocLock = allocLock;
        MmapLock = mmapLock;
    }

    public int Tgid { get; }

    /// <summary>The %p-hashed mm pointer printed in mmap_lock events.</summary>
    public ulong MmId { get; }

    public BufferSpace Buffers { get; }

    public BinderPages Pages { get; }

    /// <summary><c>alloc->mutex</c> or, on 6.8–6.13, the <c>alloc->lock</c> spinlock.</summary>
    public SimLock AllocLock { get; }

    public SimRwSemaphore MmapLock { get; }

    /// <summary>Threads blocked in binder_thread_read waiting for work (FIFO).</summary>
    public Queue<SimTask> IdleLoopers { get; } = new();

    public Queue<PendingTransaction> Todo { get; } = new();
}

/// <summary>A transaction delivered to a process's todo list (or a reply waiting for its client thread).</summary>
internal sealed class PendingTransaction
{
    public int DebugId { get; init; }

    public SimTask? From { get; init; }

    /// <summary>The sending thread's pid as binder_txn_latency_free prints it (0 for oneway, which has no sender thread).</summary>
    public int FromThread { get; init; }

    public BinderProcess? FromProcess { get; init; }

    public bool OneWay { get; init; }

    public uint Code { get; init; }

    public int BufferHandle { get; init; }

    public long BufferOffset { get; init; }

    public long DataSize { get; init; }

    public long BufferSize { get; init; }
}
