namespace BinderTrace.Allocator.Model;

/// <summary>How a design charges oneway (async) buffers against the async half of the space (KERNEL.md §1).</summary>
public enum AsyncAccounting
{
    /// <summary>6.1.0 – 6.1.74: checked against size + sizeof(struct binder_buffer) before the 0-size padding, charged padded size + sizeof.</summary>
    SizePlusHeader,

    /// <summary>6.1.75+ and 6.8+: checked after padding and charged size.</summary>
    Size,
}

public enum BufferAllocationStatus
{
    Ok,

    /// <summary>-EINVAL: a size overflowed.</summary>
    Invalid,

    /// <summary>-ENOSPC "no address space".</summary>
    NoAddressSpace,

    /// <summary>-ENOSPC "no async space left".</summary>
    NoAsyncSpace,
}

/// <summary>
/// The result of carving a buffer. <see cref="FreeBufferSize"/> is the size of the chosen free buffer before the
/// split: the kernel uses it to clip the page range at the page holding the next buffer's start.
/// </summary>
public readonly record struct BufferAllocation(
    BufferAllocationStatus Status, int Handle, long Offset, long Size, long FreeBufferSize, bool OneWaySpamSuspect);

/// <summary>A half-open byte range [Start, End) of page-aligned offsets; End may be below Start (an empty range).</summary>
public readonly record struct PageSpan(long Start, long End)
{
    public bool IsEmpty => End <= Start;
}

/// <summary>
/// What freeing a buffer hands to the LRU, in kernel order: the buffer's own range, then up to two single pages
/// released by <c>binder_delete_free_buffer</c> (first the merged-away next buffer's, then the buffer's own
/// first page when it is merged into a free previous buffer).
/// </summary>
public readonly record struct BufferRelease(long Offset, long Size, PageSpan Range, int ExtraPages, long ExtraPage0, long ExtraPage1);

/// <summary>
/// The buffer allocator of one <c>struct binder_alloc</c> (KERNEL.md §1): an address-ordered list of buffers, a
/// free set ordered by size (best fit), split on allocation and merge on free, the async half with its spam
/// detection. Offsets are bytes from the mapping base. Pages are not tracked here (see <see cref="BinderPages"/>).
/// </summary>
/// <remarks>
/// Tie-breaking among free buffers of equal size is the kernel's: <see cref="FreeBufferTree"/> is a red-black tree
/// with lib/rbtree.c's rebalancing, so the best-fit descent meets equal nodes in the same order.
/// </remarks>
public sealed class BufferSpace
{
    public const long PageSize = 4096;

    /// <summary>sizeof(struct binder_buffer) on 64-bit, as quoted by the "fix unused alloc->free_async_space" commit.</summary>
    public const long BufferHeaderSize = 104;

    /// <summary>The kernel caps the usable space at SZ_4M whatever the VMA size.</summary>
    public const long MaxBufferSize = 4L << 20;

    private readonly FreeBufferTree _free = new();

    /// <summary>Per-pid (count, bytes) of allocated async buffers: what the kernel's allocated-tree walk sums.</summary>
    private readonly Dictionary<int, (int Count, long Bytes)> _asyncByPid = [];
    private readonly AsyncAccounting _accounting;
    private Slot[] _slots = new Slot[64];
    private int _slotCount;
    private int _firstFreeSlot = -1;
    private int _head;
    private bool _oneWaySpamDetected;

    public BufferSpace(long mappingSize, AsyncAccounting accounting)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mappingSize, PageSize);
        BufferSize = Math.Min(mappingSize, MaxBufferSize) & ~(PageSize - 1);
        FreeAsyncSpace = BufferSize / 2;
        _accounting = accounting;
        _head = NewSlot(0);
        InsertFree(_head);
    }

    /// <summary>Usable bytes (mapping size capped at 4 MiB).</summary>
    public long BufferSize { get; }

    public long FreeAsyncSpace { get; private set; }

    public int PageCount => (int)(BufferSize / PageSize);

    public int AllocatedCount { get; private set; }

    /// <summary>Number of buffers (free and allocated) in the address list.</summary>
    public int BufferCount { get; private set; } = 1;

    public int FreeBufferCount => _free.Count;

    public static long PageAlign(long offset) => (offset + PageSize - 1) & ~(PageSize - 1);

    public static long PageDown(long offset) => offset & ~(PageSize - 1);

    /// <summary>The kernel's request size: each part 8-aligned, summed, padded to at least sizeof(void*).</summary>
    public static long SanitizedSize(long dataSize, long offsetsSize, long extraSize, out bool overflow)
    {
        const long Limit = long.MaxValue - 7;
        overflow = dataSize is < 0 or > Limit || offsetsSize is < 0 or > Limit || extraSize is < 0 or > Limit;
        if (overflow)
        {
            return 0;
        }

        var data = Align8(dataSize);
        var offsets = Align8(offsetsSize);
        var extra = Align8(extraSize);
        overflow = offsets > long.MaxValue - data || extra > long.MaxValue - data - offsets;
        return overflow ? 0 : Math.Max(data + offsets + extra, 8);
    }

    public BufferAllocation Allocate(long dataSize, long offsetsSize, long extraSize, bool isAsync, int pid)
    {
        var size = SanitizedSize(dataSize, offsetsSize, extraSize, out var overflow);
        if (overflow)
        {
            return new BufferAllocation(BufferAllocationStatus.Invalid, -1, 0, 0, 0, false);
        }

        var unpadded = Align8(dataSize) + Align8(offsetsSize) + Align8(extraSize);
        if (isAsync && !HasAsyncSpace(size, unpadded))
        {
            return new BufferAllocation(BufferAllocationStatus.NoAsyncSpace, -1, 0, 0, 0, false);
        }

        var chosen = _free.TakeBestFit(size);
        if (chosen < 0)
        {
            return new BufferAllocation(BufferAllocationStatus.NoAddressSpace, -1, 0, 0, 0, false);
        }

        var freeSize = SizeOf(chosen);
        if (freeSize != size)
        {
            var remainder = NewSlot(_slots[chosen].Offset + size);
            LinkAfter(chosen, remainder);
            InsertFree(remainder);
        }

        ref var buffer = ref _slots[chosen];
        buffer.IsFree = false;
        buffer.IsAsync = isAsync;
        buffer.Pid = pid;
        AllocatedCount++;
        var spam = false;
        if (isAsync)
        {
            var held = _asyncByPid.GetValueOrDefault(pid);
            _asyncByPid[pid] = (held.Count + 1, held.Bytes + size);
            FreeAsyncSpace -= Charge(size);
            if (FreeAsyncSpace < BufferSize / 10)
            {
                spam = DetectOneWaySpam(pid);
            }
            else
            {
                _oneWaySpamDetected = false;
            }
        }

        return new BufferAllocation(BufferAllocationStatus.Ok, chosen, buffer.Offset, size, freeSize, spam);
    }

    /// <summary><c>binder_free_buf_locked</c>: page hand-back ranges in kernel order, then merge with free neighbours.</summary>
    public BufferRelease Free(int handle)
    {
        ref var buffer = ref _slots[handle];
        if (buffer.IsFree || !buffer.InUse)
        {
            throw new InvalidOperationException($"buffer handle {handle} is not allocated");
        }

        var offset = buffer.Offset;
        var size = SizeOf(handle);
        var range = new PageSpan(PageAlign(offset), PageDown(offset + size));
        if (buffer.IsAsync)
        {
            FreeAsyncSpace += _accounting == AsyncAccounting.SizePlusHeader ? size + BufferHeaderSize : size;
            var held = _asyncByPid[buffer.Pid];
            _asyncByPid[buffer.Pid] = (held.Count - 1, held.Bytes - size);
        }

        buffer.IsFree = true;
        buffer.IsAsync = false;
        AllocatedCount--;
        var extras = 0;
        Span<long> extraPages = stackalloc long[2];
        var next = buffer.Next;
        if (next >= 0 && _slots[next].IsFree)
        {
            _free.Remove(next);
            if (DeleteFreeBuffer(next, out var page))
            {
                extraPages[extras++] = page;
            }
        }

        var kept = handle;
        var prev = _slots[handle].Prev;
        if (prev >= 0 && _slots[prev].IsFree)
        {
            if (DeleteFreeBuffer(handle, out var page))
            {
                extraPages[extras++] = page;
            }

            _free.Remove(prev);
            kept = prev;
        }

        InsertFree(kept);
        return new BufferRelease(offset, size, range, extras, extraPages[0], extraPages[1]);
    }

    /// <summary>Size of a buffer: next buffer's start minus its own, or up to the end of the space.</summary>
    public long SizeOf(int handle)
    {
        var next = _slots[handle].Next;
        return (next >= 0 ? _slots[next].Offset : BufferSize) - _slots[handle].Offset;
    }

    /// <summary>Visits buffers in address order: (offset, size, free).</summary>
    public void ForEachBuffer(Action<long, long, bool> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        for (var i = _head; i >= 0; i = _slots[i].Next)
        {
            visit(_slots[i].Offset, SizeOf(i), _slots[i].IsFree);
        }
    }

    private static long Align8(long value) => (value + 7) & ~7L;

    private bool HasAsyncSpace(long size, long unpadded) => _accounting == AsyncAccounting.SizePlusHeader
        ? FreeAsyncSpace >= unpadded + BufferHeaderSize
        : FreeAsyncSpace >= size;

    /// <summary>The charge is taken after the 0-size padding in both schemes; only the old check used the unpadded size.</summary>
    private long Charge(long size) => _accounting == AsyncAccounting.SizePlusHeader ? size + BufferHeaderSize : size;

    /// <summary>
    /// <c>debug_low_async_space_locked</c>: the kernel walks the allocated tree summing the caller's async buffers;
    /// the per-pid totals give the same numbers. Fires once until async space recovers.
    /// </summary>
    private bool DetectOneWaySpam(int pid)
    {
        var (count, total) = _asyncByPid.GetValueOrDefault(pid);
        if ((count > 50 || total > BufferSize / 4) && !_oneWaySpamDetected)
        {
            _oneWaySpamDetected = true;
            return true;
        }

        return false;
    }

    /// <summary>
    /// <c>binder_delete_free_buffer</c>: unlinks <paramref name="handle"/> and reports its first page for the LRU
    /// unless a buffer boundary keeps that page in use: the buffer starts page-aligned, the previous buffer
    /// starts on the same page (the kernel compares <c>(prev->user_data - 1) &amp; PAGE_MASK</c>), or the next
    /// buffer starts on the same page.
    /// </summary>
    private bool DeleteFreeBuffer(int handle, out long page)
    {
        var offset = _slots[handle].Offset;
        page = PageDown(offset);
        var release = offset % PageSize != 0;
        var prev = _slots[handle].Prev;
        if (release && prev >= 0 && PageDown(_slots[prev].Offset - 1) == page)
        {
            release = false;
        }

        var next = _slots[handle].Next;
        if (release && next >= 0 && PageDown(_slots[next].Offset) == page)
        {
            release = false;
        }

        Unlink(handle);
        return release;
    }

    private void InsertFree(int handle)
    {
        _free.Insert(handle, SizeOf(handle));
    }

    private int NewSlot(long offset)
    {
        int index;
        if (_firstFreeSlot >= 0)
        {
            index = _firstFreeSlot;
            _firstFreeSlot = _slots[index].Next;
        }
        else
        {
            if (_slotCount == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            index = _slotCount++;
        }

        _slots[index] = new Slot { Offset = offset, Prev = -1, Next = -1, IsFree = true, InUse = true };
        return index;
    }

    private void LinkAfter(int at, int added)
    {
        var next = _slots[at].Next;
        _slots[added].Prev = at;
        _slots[added].Next = next;
        _slots[at].Next = added;
        if (next >= 0)
        {
            _slots[next].Prev = added;
        }

        BufferCount++;
    }

    private void Unlink(int handle)
    {
        var prev = _slots[handle].Prev;
        var next = _slots[handle].Next;
        if (prev >= 0)
        {
            _slots[prev].Next = next;
        }
        else
        {
            _head = next;
        }

        if (next >= 0)
        {
            _slots[next].Prev = prev;
        }

        _slots[handle] = new Slot { Next = _firstFreeSlot, Prev = -1 };
        _firstFreeSlot = handle;
        BufferCount--;
    }

    private struct Slot
    {
        public long Offset;
        public int Prev;
        public int Next;
        public bool IsFree;
        public bool InUse;
        public bool IsAsync;
        public int Pid;
    }
}
