using System.Runtime.InteropServices;
using BinderTrace.Analysis.Collections;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Signature;

/// <summary>
/// Computes a <see cref="StructuralSignature"/> in one pass over a time-ordered event stream. State is per task
/// (pid) and a handful of counters, so memory does not grow with the trace. Works the same on parsed captures
/// and on the reference allocator's in-memory stream.
/// </summary>
public sealed class StructuralSignatureTracker
{
    private readonly TaskTable<TaskTrack> _tasks = new();
    private readonly bool[] _kindSeen = new bool[Enum.GetValues<EventKind>().Length];
    private readonly HashSet<string> _otherNames = new(StringComparer.Ordinal);

    /// <summary>Transactions whose allocation installed a page, until they are received (so bounded by what is in flight).</summary>
    private readonly HashSet<int> _installingTransactions = [];
    private int _tasksWithOpenFree;
    private readonly ShapeCounter _installShapes = new();
    private readonly ShapeCounter _freeShapes = new();
    private readonly ShapeCounter _shrinkShapes = new();
    private long _windows, _inWriteHold, _inReadHold, _writeInside, _readInside, _noLock;
    private long _holdsWithWindows, _holdsWithSeveral, _lruAscending, _lruDescending, _userFirst, _kernelFirst;
    private long _ranges, _zeroRanges, _wrappedRanges, _memcgPath, _memcgId, _receiverReadLocks, _receiverReadLocksAfterInstall;
    private string? _lastName;

    /// <summary>Reads <paramref name="source"/> to the end and returns its signature.</summary>
    public static StructuralSignature Compute(ITraceEventSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var tracker = new StructuralSignatureTracker();
        while (source.TryRead(out var e))
        {
            tracker.Process(e);
        }

        return tracker.Build();
    }

    public void Process(in TraceEvent e)
    {
        NoteName(e);
        if (!ShapesAllocator(e.Kind))
        {
            if (e.Kind == EventKind.BinderTransactionReceived)
            {
                var receiver = Track(e.Pid);
                receiver.AfterReceive = true;
                receiver.ReceivedInstalledPages = _installingTransactions.Remove(e.TransactionId);
            }

            // Any other binder event of a task (write_done, ioctl_done…) still ends that task's free.
            if (_tasksWithOpenFree > 0 && IsBinderOrLock(e.Kind) && _tasks.TryGetValue(e.Pid, out var other) && other.Free.Count > 0)
            {
                EndFree(other);
            }

            return;
        }

        var t = Track(e.Pid);
        if (e.Kind is not (EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased))
        {
            t.AfterReceive = false;
        }

        if (t.Free.Count > 0 && e.Kind is not (EventKind.BinderUpdatePageRange or EventKind.BinderFreeLruStart or EventKind.BinderFreeLruEnd))
        {
            EndFree(t);
        }

        switch (e.Kind)
        {
            case EventKind.BinderTransaction:
                t.InAllocation = true;
                t.Installed = false;
                t.Allocation.Clear();
                break;
            case EventKind.BinderTransactionAllocBuf:
                if (t.InAllocation && t.Installed)
                {
                    _installingTransactions.Add(e.Buffer.DebugId);
                    _installShapes.Count(t.Allocation);
                }

                t.InAllocation = false;
                break;
            case EventKind.BinderTransactionBufferRelease:
                AddFreeToken(t, "buffer_release");
                break;
            case EventKind.BinderUpdatePageRange:
                OnRange(t, e.PageRange);
                break;
            case EventKind.BinderAllocLruStart:
                AddAllocationToken(t, "alloc_lru");
                break;
            case EventKind.BinderAllocPageStart:
                OnWindowStart(t);
                break;
            case EventKind.BinderAllocPageEnd:
                OnWindowEnd(t);
                break;
            case EventKind.BinderFreeLruStart:
                OnFreeLru(t, e.Page.PageIndex);
                break;
            case EventKind.BinderUnmapUserStart:
                OnUnmap(t, e.Page, user: true);
                break;
            case EventKind.BinderUnmapKernelStart:
                OnUnmap(t, e.Page, user: false);
                break;
            case EventKind.MmapLockStartLocking:
                CountMemcg(e.MmapLock);
                break;
            case EventKind.MmapLockAcquireReturned:
                CountMemcg(e.MmapLock);
                OnAcquired(t, e.MmapLock);
                break;
            case EventKind.MmapLockReleased:
                CountMemcg(e.MmapLock);
                OnReleased(t, e.MmapLock.Write);
                break;
        }
    }

    public StructuralSignature Build()
    {
        long unfinished = 0;
        foreach (var t in _tasks.Values)
        {
            unfinished += t.InWindow ? 1 : 0;
            EndShrinkPage(t);
            EndLruRun(t);
        }

        return Counts() with { UnfinishedInstallWindows = unfinished, EventNames = [.. EventNamesSeen()] };
    }

    /// <summary>The counts so far, leaving open shapes open, with each shape counter's counts by node (a phase's counts are differences of these).</summary>
    internal (StructuralSignature Counts, long[] InstallShapes, long[] FreeShapes, long[] ShrinkShapes) Snapshot() =>
        (Scalars(), _installShapes.CountsByNode(), _freeShapes.CountsByNode(), _shrinkShapes.CountsByNode());

    /// <summary><paramref name="counts"/> with the shapes of the given counts by node (sums of <see cref="Snapshot"/> differences).</summary>
    internal StructuralSignature WithShapes(StructuralSignature counts, long[] installShapes, long[] freeShapes, long[] shrinkShapes) => counts with
    {
        InstallAllocationShapes = _installShapes.ToDictionary(installShapes),
        FreeShapes = _freeShapes.ToDictionary(freeShapes),
        ShrinkPageShapes = _shrinkShapes.ToDictionary(shrinkShapes),
    };

    private StructuralSignature Counts() => Scalars() with
    {
        InstallAllocationShapes = _installShapes.ToDictionary(),
        FreeShapes = _freeShapes.ToDictionary(),
        ShrinkPageShapes = _shrinkShapes.ToDictionary(),
    };

    private StructuralSignature Scalars() => new()
    {
        InstallWindows = _windows,
        InstallWindowsInsideWriteHold = _inWriteHold,
        InstallWindowsInsideReadHold = _inReadHold,
        InstallWindowsWithWriteLockInside = _writeInside,
        InstallWindowsWithReadLockInside = _readInside,
        InstallWindowsWithoutLock = _noLock,
        WriteHoldsEnclosingWindows = _holdsWithWindows,
        WriteHoldsEnclosingSeveralWindows = _holdsWithSeveral,
        LruAddRunsAscending = _lruAscending,
        LruAddRunsDescending = _lruDescending,
        UnmapUserFirst = _userFirst,
        UnmapKernelFirst = _kernelFirst,
        UpdatePageRangeEvents = _ranges,
        UpdatePageRangeZeroSize = _zeroRanges,
        UpdatePageRangeWrapped = _wrappedRanges,
        MmapLockEventsWithMemcgPath = _memcgPath,
        MmapLockEventsWithMemcgId = _memcgId,
        ReceiverReadLocks = _receiverReadLocks,
        ReceiverReadLocksAfterInstall = _receiverReadLocksAfterInstall,
    };

    private TaskTrack Track(int pid)
    {
        if (!_tasks.TryGetValue(pid, out var t))
        {
            t = new TaskTrack();
            _tasks.Add(pid, t);
        }

        return t;
    }

    /// <summary>The event kinds whose order makes up an allocation, free or shrinker shape.</summary>
    private static bool ShapesAllocator(EventKind kind) => kind is
        EventKind.BinderTransaction or EventKind.BinderTransactionAllocBuf or EventKind.BinderTransactionBufferRelease
        or (>= EventKind.BinderUpdatePageRange and <= EventKind.BinderUnmapKernelEnd)
        or EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased;

    private static bool IsBinderOrLock(EventKind kind) =>
        kind is not (EventKind.Generic or EventKind.LostEvents or EventKind.TracingMark or EventKind.SchedSwitch or EventKind.SchedWakeup);

    /// <summary>Typed kinds are flagged by kind; only generic names (rare) go through a set.</summary>
    private void NoteName(in TraceEvent e)
    {
        if (e.Kind is EventKind.Generic or EventKind.TracingMark)
        {
            if (!ReferenceEquals(e.Name, _lastName))
            {
                _lastName = e.Name;
                _otherNames.Add(e.Name);
            }
        }
        else
        {
            _kindSeen[(int)e.Kind] = true;
        }
    }

    private IEnumerable<string> EventNamesSeen() =>
        Enumerable.Range(0, _kindSeen.Length)
            .Where(kind => _kindSeen[kind])
            .Select(kind => EventNames.Of((EventKind)kind))
            .Concat(_otherNames)
            .Order(StringComparer.Ordinal);

    private void AddFreeToken(TaskTrack t, string token)
    {
        if (t.Free.Count == 0)
        {
            _tasksWithOpenFree++;
        }

        AddToken(t.Free, token);
    }

    /// <summary>Tokens are string literals (one instance per text), so identity is equality.</summary>
    private static void AddToken(List<string> tokens, string token)
    {
        foreach (var known in CollectionsMarshal.AsSpan(tokens))
        {
            if (ReferenceEquals(known, token))
            {
                return;
            }
        }

        tokens.Add(token);
    }

    private static void AddAllocationToken(TaskTrack t, string token)
    {
        if (t.InAllocation)
        {
            AddToken(t.Allocation, token);
        }
    }

    private void OnRange(TaskTrack t, PageRangeUpdate r)
    {
        _ranges++;
        _zeroRanges += r.Size == 0 ? 1 : 0;
        _wrappedRanges += r.Size > long.MaxValue ? 1 : 0;
        if (r.Allocate)
        {
            AddAllocationToken(t, "update_page_range");
            return;
        }

        EndLruRun(t);
        AddFreeToken(t, "update_page_range");
    }

    private static void OnWindowStart(TaskTrack t)
    {
        AddAllocationToken(t, "alloc_page_start");
        t.Installed = true;
        t.InWindow = true;
        t.WindowInWriteHold = t.WriteHeld;
        t.WindowInReadHold = t.ReadHeld && !t.WriteHeld;
        t.WindowWrite = false;
        t.WindowRead = false;
        if (t.WriteHeld)
        {
            t.WindowsInHold++;
        }
    }

    private void OnWindowEnd(TaskTrack t)
    {
        AddAllocationToken(t, "alloc_page_end");
        if (!t.InWindow)
        {
            return;
        }

        t.InWindow = false;
        _windows++;
        if (t.WindowInWriteHold)
        {
            _inWriteHold++;
        }
        else if (t.WindowInReadHold)
        {
            _inReadHold++;
        }
        else if (t.WindowWrite)
        {
            _writeInside++;
        }
        else if (t.WindowRead)
        {
            _readInside++;
        }
        else
        {
            _noLock++;
        }
    }

    private void OnFreeLru(TaskTrack t, long page)
    {
        AddFreeToken(t, "free_lru");
        if (t.LruRunLength > 0)
        {
            var direction = page > t.LruLastPage ? 1 : -1;
            t.LruDirection = t.LruRunLength == 1 || t.LruDirection == direction ? direction : 2;
        }

        t.LruLastPage = page;
        t.LruRunLength++;
    }

    private void EndLruRun(TaskTrack t)
    {
        if (t.LruRunLength >= 2)
        {
            _lruAscending += t.LruDirection == 1 ? 1 : 0;
            _lruDescending += t.LruDirection == -1 ? 1 : 0;
        }

        t.LruRunLength = 0;
        t.LruDirection = 0;
    }

    private void EndFree(TaskTrack t)
    {
        EndLruRun(t);
        if (t.Free.Count > 1)
        {
            _freeShapes.Count(t.Free);
        }

        if (t.Free.Count > 0)
        {
            _tasksWithOpenFree--;
        }

        t.Free.Clear();
    }

    private void OnAcquired(TaskTrack t, MmapLockEvent m)
    {
        if (!m.Success)
        {
            return;
        }

        if (m.Write)
        {
            t.WriteHeld = true;
            t.WindowsInHold = 0;
            t.WindowWrite |= t.InWindow;
            AddAllocationToken(t, "mmap_write");
            return;
        }

        if (t.WriteHeld)
        {
            // mmap_write_downgrade: the only event is acquire_returned write=false; the write hold ends here.
            EndWriteHold(t);
        }

        if (t.AfterReceive && !t.InWindow)
        {
            _receiverReadLocks++;
            _receiverReadLocksAfterInstall += t.ReceivedInstalledPages ? 1 : 0;
            t.AfterReceive = false;
        }

        t.ReadHeld = true;
        t.WindowRead |= t.InWindow;
        AddAllocationToken(t, "mmap_read");
    }

    private void OnReleased(TaskTrack t, bool write)
    {
        if (write)
        {
            if (t.WriteHeld)
            {
                EndWriteHold(t);
            }

            AddAllocationToken(t, "mmap_write_released");
            return;
        }

        t.ReadHeld = false;
        AddAllocationToken(t, "mmap_read_released");
        if (t.ShrinkPage >= 0)
        {
            AddToken(t.Shrink, "mmap_read_released");
        }
    }

    private void EndWriteHold(TaskTrack t)
    {
        t.WriteHeld = false;
        _holdsWithWindows += t.WindowsInHold >= 1 ? 1 : 0;
        _holdsWithSeveral += t.WindowsInHold >= 2 ? 1 : 0;
        t.WindowsInHold = 0;
    }

    private void OnUnmap(TaskTrack t, PageEvent page, bool user)
    {
        var key = ((long)page.Proc << 32) ^ page.PageIndex;
        if (t.ShrinkPage != key)
        {
            EndShrinkPage(t);
            t.ShrinkPage = key;
            t.ShrinkUserSeen = false;
            t.ShrinkKernelSeen = false;
            if (t.ReadHeld)
            {
                t.Shrink.Add("mmap_read");
            }
        }

        if (!t.ShrinkUserSeen && !t.ShrinkKernelSeen)
        {
            _userFirst += user ? 1 : 0;
            _kernelFirst += user ? 0 : 1;
        }

        t.ShrinkUserSeen |= user;
        t.ShrinkKernelSeen |= !user;
        AddToken(t.Shrink, user ? "unmap_user" : "unmap_kernel");
    }

    private void EndShrinkPage(TaskTrack t)
    {
        if (t.ShrinkPage >= 0 && t.Shrink.Count > 0)
        {
            _shrinkShapes.Count(t.Shrink);
        }

        t.ShrinkPage = -1;
        t.Shrink.Clear();
    }

    private void CountMemcg(MmapLockEvent m)
    {
        if (m.MemcgPath is not null)
        {
            _memcgPath++;
        }
        else
        {
            _memcgId++;
        }
    }

    private sealed class TaskTrack
    {
        public List<string> Allocation { get; } = new(8);

        public List<string> Free { get; } = new(4);

        public List<string> Shrink { get; } = new(4);

        public bool InAllocation { get; set; }

        public bool Installed { get; set; }

        public bool InWindow { get; set; }

        /// <summary>Received a transaction and has not emitted a binder buffer, allocator or page event since.</summary>
        public bool AfterReceive { get; set; }

        /// <summary>The transaction received last had pages installed for it by its sender.</summary>
        public bool ReceivedInstalledPages { get; set; }

        public bool WindowInWriteHold { get; set; }

        public bool WindowInReadHold { get; set; }

        public bool WindowWrite { get; set; }

        public bool WindowRead { get; set; }

        public bool WriteHeld { get; set; }

        public bool ReadHeld { get; set; }

        public int WindowsInHold { get; set; }

        public long LruLastPage { get; set; }

        public int LruRunLength { get; set; }

        public int LruDirection { get; set; }

        public long ShrinkPage { get; set; } = -1;

        public bool ShrinkUserSeen { get; set; }

        public bool ShrinkKernelSeen { get; set; }
    }
}
