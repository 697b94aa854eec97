using BinderTrace.Analysis.Signature;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// The tracker on a slice of the real 6.1 light capture (fixtures/allocator/signature-6.1-light-snippet.txt; how it
/// was cut is in that folder's README). Expected values counted by hand from the snippet's lines 13–82.
/// </summary>
public sealed class SignatureTrackerTests
{
    [Fact]
    public void Six_one_snippet_gives_the_hand_counted_signature()
    {
        using var source = TraceReader.Open(RepositoryPaths.Fixture("allocator", "signature-6.1-light-snippet.txt"), new ParseOptions { Strict = true });
        var tracker = new StructuralSignatureTracker();
        while (source.TryRead(out var e))
        {
            tracker.Process(e);
        }

        var s = tracker.Build();

        // Lines 17–18 (page 0, transaction 2) and 79–80 (page 1, transaction 4), each inside a write hold of task 234.
        Assert.Equal(2, s.InstallWindows);
        Assert.Equal(2, s.InstallWindowsInsideWriteHold);
        Assert.Equal(0, s.InstallWindowsWithWriteLockInside + s.InstallWindowsWithReadLockInside + s.InstallWindowsWithoutLock);
        Assert.Equal(2, s.WriteHoldsEnclosingWindows);
        Assert.Equal(0, s.WriteHoldsEnclosingSeveralWindows);

        // Lines 14, 36, 46, 64, 74; every free adds a single page, so no order can be seen.
        Assert.Equal(5, s.UpdatePageRangeEvents);
        Assert.Equal(0, s.UpdatePageRangeZeroSize + s.UpdatePageRangeWrapped);
        Assert.Equal(LruAddOrder.Unknown, s.LruAddOrder);
        Assert.Equal(UnmapOrder.Unknown, s.UnmapOrder);

        // Lines 15, 16, 19, 75, 76, 81.
        Assert.Equal(6, s.MmapLockEventsWithMemcgPath);
        Assert.Equal(MemcgForm.Path, s.MemcgForm);

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["update_page_range mmap_write alloc_page_start alloc_page_end mmap_write_released"] = 1,
                ["update_page_range mmap_write alloc_lru alloc_page_start alloc_page_end mmap_write_released"] = 1,
            },
            s.InstallAllocationShapes);
        Assert.Equal(new Dictionary<string, long> { ["buffer_release update_page_range free_lru"] = 2 }, s.FreeShapes);
        Assert.Empty(s.ShrinkPageShapes);
        Assert.Contains("sched_switch", s.EventNames);
        Assert.Equal(s.EventNames.Order(StringComparer.Ordinal), s.EventNames);
    }

    [Fact]
    public void Downgrade_ends_a_write_hold_and_trylock_failures_hold_nothing()
    {
        var h = new EventHeader(1000, 0, 7, -1, "t");
        var tracker = new StructuralSignatureTracker();
        tracker.Process(TraceEvent.ForMmapLock(h, EventKind.MmapLockAcquireReturned, 1, true, true, "/", 0));
        tracker.Process(TraceEvent.ForMmapLock(h, EventKind.MmapLockAcquireReturned, 1, false, true, "/", 0));
        tracker.Process(TraceEvent.ForPage(h, EventKind.BinderAllocPageStart, 5, 0));
        tracker.Process(TraceEvent.ForPage(h, EventKind.BinderAllocPageEnd, 5, 0));
        tracker.Process(TraceEvent.ForMmapLock(h, EventKind.MmapLockReleased, 1, false, false, "/", 0));
        tracker.Process(TraceEvent.ForMmapLock(h, EventKind.MmapLockAcquireReturned, 1, false, false, null, 1));
        tracker.Process(TraceEvent.ForPage(h, EventKind.BinderAllocPageStart, 5, 1));
        tracker.Process(TraceEvent.ForPage(h, EventKind.BinderAllocPageEnd, 5, 1));
        var s = tracker.Build();

        // After the downgrade the task holds a read lock: the first window is inside a read hold, not a write hold.
        Assert.Equal(1, s.InstallWindowsInsideReadHold);
        Assert.Equal(0, s.InstallWindowsInsideWriteHold);

        // A failed trylock (success=false) takes nothing: the second window saw no lock.
        Assert.Equal(1, s.InstallWindowsWithoutLock);
        Assert.Equal(MemcgForm.Mixed, s.MemcgForm);
    }
}
