using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>
/// One small hand-built install per design, following KERNEL.md §7 "mmap_lock events produced by binder
/// allocation" (task 1 installs pages of proc 100 into mm 0xA).
/// </summary>
public sealed class AllocatorDesignClassifierTests
{
    private const int Proc = 100;
    private const ulong Mm = 0xA;

    [Fact]
    public void One_write_lock_inside_each_window_is_page_write()
    {
        var trace = new TestTrace()
            .Transaction(90, 1, 1, Proc)
            .Page(100, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .Lock(101, 102, 110, 1, Mm, write: true)
            .Page(111, 1, EventKind.BinderAllocPageEnd, Proc, 0)
            .Page(120, 1, EventKind.BinderAllocPageStart, Proc, 1)
            .Lock(121, 122, 130, 1, Mm, write: true)
            .Page(131, 1, EventKind.BinderAllocPageEnd, Proc, 1)
            .AllocBuf(140, 1, 1, 8192);

        Assert.Equal(AllocatorDesign.PageWrite, trace.Analyze().Fingerprint.Design);
    }

    [Fact]
    public void One_write_hold_around_several_windows_is_range_write()
    {
        var trace = new TestTrace()
            .Transaction(90, 1, 1, Proc)
            .Range(95, 1, Proc, allocate: true, 0, 8192)
            .StartLocking(99, 1, Mm, write: true)
            .Acquired(100, 1, Mm, write: true)
            .PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(130, 140, 1, EventKind.BinderAllocPageStart, Proc, 1)
            .Released(150, 1, Mm, write: true)
            .AllocBuf(160, 1, 1, 8192);

        Assert.Equal(AllocatorDesign.RangeWrite, trace.Analyze().Fingerprint.Design);
    }

    [Fact]
    public void One_read_hold_around_several_windows_is_range_read()
    {
        var trace = new TestTrace()
            .Transaction(90, 1, 1, Proc)
            .Lock(91, 92, 93, 1, Mm, write: false)
            .Range(95, 1, Proc, allocate: true, 0, 8192)
            .StartLocking(99, 1, Mm, write: false)
            .Acquired(100, 1, Mm, write: false)
            .PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(130, 140, 1, EventKind.BinderAllocPageStart, Proc, 1)
            .Released(150, 1, Mm, write: false)
            .AllocBuf(160, 1, 1, 8192);

        Assert.Equal(AllocatorDesign.RangeRead, trace.Analyze().Fingerprint.Design);
    }

    [Fact]
    public void Windows_without_mmap_lock_in_a_trace_with_mmap_lock_events_are_page_concurrent()
    {
        var trace = new TestTrace()
            .Lock(10, 11, 20, 5, Mm, write: true)
            .Transaction(90, 1, 1, Proc)
            .PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(130, 140, 1, EventKind.BinderAllocPageStart, Proc, 1)
            .AllocBuf(160, 1, 1, 8192);

        Assert.Equal(AllocatorDesign.PageConcurrent, trace.Analyze().Fingerprint.Design);
    }

    [Fact]
    public void Without_mmap_lock_events_or_without_installs_the_design_is_unknown()
    {
        var noLocks = new TestTrace().PageOp(110, 120, 1, EventKind.BinderAllocPageStart, Proc, 0);
        var noInstalls = new TestTrace().Lock(10, 11, 20, 5, Mm, write: true);

        Assert.Equal("unknown", noLocks.Analyze().Fingerprint.DesignName);
        Assert.Equal("unknown", noInstalls.Analyze().Fingerprint.DesignName);
    }
}
