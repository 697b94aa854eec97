using BinderTrace.Allocator.Model;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>
/// One shrinker callback on page 0 after a 9000-byte buffer was allocated and freed (pages 0–2 on the LRU). Event
/// order and the preempt depth (spinlocks held: the LRU lock, plus alloc->lock on 6.8–6.13) follow KERNEL.md §2a/§3/§4
/// and match the flags columns of the captures (6.1: trylock "...1.", unmaps "....."; 6.12: trylock "...1.",
/// unmap_kernel "...2.", unmap_user "....."; 7.3: unmap_kernel "...1.", unmap_user ".....").
/// </summary>
public sealed class ShrinkerScenarioTests
{
    [Fact]
    public void Range_write_zaps_before_freeing_under_mutex_and_mmap_read_trylock()
    {
        Assert.Equal(
        [
            "mmap_lock_start_locking write=False [1]",
            "mmap_lock_acquire_returned write=False success=True [1]",
            "binder_unmap_user_start 0 [0]", "binder_unmap_user_end 0 [0]",
            "mmap_lock_released write=False [0]",
            "binder_unmap_kernel_start 0 [0]", "binder_unmap_kernel_end 0 [0]",
        ], ShrinkFirstPage("range-write"));
    }

    [Fact]
    public void Page_write_clears_the_kernel_pointer_under_both_spinlocks_then_zaps()
    {
        Assert.Equal(
        [
            "mmap_lock_start_locking write=False [1]",
            "mmap_lock_acquire_returned write=False success=True [1]",
            "binder_unmap_kernel_start 0 [2]", "binder_unmap_kernel_end 0 [2]",
            "binder_unmap_user_start 0 [0]", "binder_unmap_user_end 0 [0]",
            "mmap_lock_released write=False [0]",
        ], ShrinkFirstPage("page-write"));
    }

    [Fact]
    public void Page_concurrent_uses_the_vma_lock_without_mmap_events()
    {
        Assert.Equal(
        [
            "binder_unmap_kernel_start 0 [1]", "binder_unmap_kernel_end 0 [1]",
            "binder_unmap_user_start 0 [0]", "binder_unmap_user_end 0 [0]",
        ], ShrinkFirstPage("page-concurrent"));
    }

    [Fact]
    public void Busy_alloc_mutex_makes_the_6_1_shrinker_skip_silently()
    {
        var h = Prepared("range-write");
        var holder = new BinderTrace.Allocator.Simulation.SimTask(77, 77, "holder");
        Assert.True(h.Process.AllocLock.TryAcquire(holder, BinderTrace.Events.LockMode.Write));
        var result = h.Shrink(0);
        Assert.Empty(h.RunToEnd());
        Assert.False(result.Removed);
        Assert.Equal(PageState.Lru, h.Process.Pages.StateOf(0));
    }

    [Fact]
    public void Fault_deferred_sender_never_touches_mmap_lock_and_receiver_faults_pages_in()
    {
        var h = new DesignHarness("fault-deferred");
        var request = h.Allocate(9000);
        Assert.Equal(
        [
            "binder_update_page_range allocate=1 offset=0 size=12288",
            "binder_alloc_page_start 0", "binder_alloc_page_end 0",
            "binder_alloc_page_start 1", "binder_alloc_page_end 1",
            "binder_alloc_page_start 2", "binder_alloc_page_end 2",
        ], h.RunToEnd());
        Assert.False(h.Process.Pages.IsMapped(0));

        h.Receive(request, 9000);
        Assert.Empty(h.RunToEnd());
        Assert.True(h.Process.Pages.IsMapped(0) && h.Process.Pages.IsMapped(1) && h.Process.Pages.IsMapped(2));
    }

    private static List<string> ShrinkFirstPage(string design)
    {
        var h = Prepared(design);
        var result = h.Shrink(0);
        var lines = h.RunToEnd(withDepth: true);
        Assert.True(result.Removed);
        Assert.Equal(PageState.Free, h.Process.Pages.StateOf(0));
        return lines;
    }

    private static DesignHarness Prepared(string design)
    {
        var h = new DesignHarness(design);
        var request = h.Allocate(9000);
        h.RunToEnd();

        // The debugfs-style counters (binder's "pages: active:lru:free" and pages_high): 3 pages in use after the install.
        Assert.Equal((3, 0, 3), (h.Process.Pages.ActiveCount, h.Process.Pages.LruCount, h.Process.Pages.PagesHigh));
        h.Free(request.Result.Handle);
        h.RunToEnd();
        Assert.Equal(3, h.Context.Lru.Count);
        Assert.Equal((0, 3), (h.Process.Pages.ActiveCount, h.Process.Pages.LruCount));
        return h;
    }
}
