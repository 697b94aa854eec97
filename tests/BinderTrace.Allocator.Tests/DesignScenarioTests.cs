namespace BinderTrace.Tests;

/// <summary>
/// One allocation of 9000 bytes on a fresh 1 MiB mapping: offset 0, pages 0–2 missing, range [0, 12288).
/// Then its free: own range [0, 8192) (page 2 holds the end boundary), then binder_delete_free_buffer of the
/// remainder at 9000 releases page 2 (not page-aligned, the freed buffer starts on another page, nothing follows).
/// Expected sequences are written out from KERNEL.md §2b, §3, §4 and the §1 free rules, not from the code.
/// </summary>
public sealed class DesignScenarioTests
{
    [Fact]
    public void Range_write_installs_three_pages_under_one_mmap_write_hold()
    {
        var h = new DesignHarness("range-write");
        h.Allocate(9000);
        Assert.Equal(
        [
            "binder_update_page_range allocate=1 offset=0 size=12288",
            "mmap_lock_start_locking write=True",
            "mmap_lock_acquire_returned write=True success=True",
            "binder_alloc_page_start 0", "binder_alloc_page_end 0",
            "binder_alloc_page_start 1", "binder_alloc_page_end 1",
            "binder_alloc_page_start 2", "binder_alloc_page_end 2",
            "mmap_lock_released write=True",
        ], h.RunToEnd());
    }

    [Fact]
    public void Range_read_checks_the_vma_under_a_read_lock_then_installs_under_read()
    {
        var h = new DesignHarness("range-read");
        h.Allocate(9000);
        Assert.Equal(
        [
            "mmap_lock_start_locking write=False",
            "mmap_lock_acquire_returned write=False success=True",
            "mmap_lock_released write=False",
            "binder_update_page_range allocate=1 offset=0 size=12288",
            "mmap_lock_start_locking write=False",
            "mmap_lock_acquire_returned write=False success=True",
            "binder_alloc_page_start 0", "binder_alloc_page_end 0",
            "binder_alloc_page_start 1", "binder_alloc_page_end 1",
            "binder_alloc_page_start 2", "binder_alloc_page_end 2",
            "mmap_lock_released write=False",
        ], h.RunToEnd());
    }

    [Fact]
    public void Page_write_takes_one_mmap_write_lock_inside_each_page_window()
    {
        var h = new DesignHarness("page-write");
        h.Allocate(9000);
        var expected = new List<string> { "binder_update_page_range allocate=1 offset=0 size=12288" };
        for (var p = 0; p < 3; p++)
        {
            expected.AddRange(
            [
                $"binder_alloc_page_start {p}",
                "mmap_lock_start_locking write=True",
                "mmap_lock_acquire_returned write=True success=True",
                "mmap_lock_released write=True",
                $"binder_alloc_page_end {p}",
            ]);
        }

        Assert.Equal(expected, h.RunToEnd());
    }

    [Fact]
    public void Page_concurrent_installs_without_mmap_lock_when_the_vma_lock_succeeds()
    {
        var h = new DesignHarness("page-concurrent");
        h.Allocate(9000);
        Assert.Equal(
        [
            "binder_update_page_range allocate=1 offset=0 size=12288",
            "binder_alloc_page_start 0", "binder_alloc_page_end 0",
            "binder_alloc_page_start 1", "binder_alloc_page_end 1",
            "binder_alloc_page_start 2", "binder_alloc_page_end 2",
        ], h.RunToEnd());
    }

    [Theory]
    [InlineData("range-write", new[] { 1, 0 })]
    [InlineData("page-write", new[] { 0, 1 })]
    public void Free_adds_pages_in_the_kernels_order_then_releases_the_remainders_first_page(string design, int[] order)
    {
        var h = new DesignHarness(design);
        var request = h.Allocate(9000);
        h.RunToEnd();
        h.Free(request.Result.Handle);
        Assert.Equal(
        [
            "binder_update_page_range allocate=0 offset=0 size=8192",
            $"binder_free_lru_start {order[0]}", $"binder_free_lru_end {order[0]}",
            $"binder_free_lru_start {order[1]}", $"binder_free_lru_end {order[1]}",
            "binder_update_page_range allocate=0 offset=8192 size=4096",
            "binder_free_lru_start 2", "binder_free_lru_end 2",
        ], h.RunToEnd());
    }

    [Fact]
    public void Small_buffer_inside_one_page_traces_zero_and_wrapped_ranges_from_6_8_only()
    {
        // A 100-byte buffer right after a 9000-byte one: start 9000 → PAGE_ALIGN = 12288; end page = PAGE_ALIGN(9104) = 12288.
        foreach (var (design, traced) in new[] { ("range-write", false), ("page-write", true) })
        {
            var h = new DesignHarness(design);
            h.Allocate(9000);
            h.RunToEnd();
            var small = h.Allocate(100);
            var carve = h.RunToEnd();
            h.Free(small.Result.Handle);
            var free = h.RunToEnd();
            if (traced)
            {
                Assert.Equal(["binder_update_page_range allocate=1 offset=12288 size=0"], carve);

                // Free: size 104 up to the free remainder at 9104; range [PAGE_ALIGN(9000) = 12288, 9104 & PAGE_MASK = 8192)
                // prints 8192 - 12288 as size_t = 2^64 - 4096.
                Assert.Equal("binder_update_page_range allocate=0 offset=12288 size=18446744073709547520", free[0]);
            }
            else
            {
                Assert.Empty(carve);
                Assert.DoesNotContain(free, l => l.StartsWith("binder_update_page_range allocate=0 offset=12288", StringComparison.Ordinal));
            }
        }
    }
}
