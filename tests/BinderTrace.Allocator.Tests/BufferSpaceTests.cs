using BinderTrace.Allocator.Model;

namespace BinderTrace.Tests;

public sealed class BufferSpaceTests
{
    private const long FourMiB = 4L << 20;

    [Theory]
    [InlineData(AsyncAccounting.Size, 262_144)]
    [InlineData(AsyncAccounting.SizePlusHeader, 18_724)]
    public void Async_space_holds_the_number_of_minimal_buffers_the_fix_commit_quotes(AsyncAccounting accounting, int expected)
    {
        // KERNEL.md §1/§8.6: 4 MiB map → 2 MiB async space; 8-byte buffers: 2 MiB / 8 = 262,144, or with the
        // 104-byte header charge 2 MiB / 112 = 18,724.
        var space = new BufferSpace(FourMiB, accounting);
        var count = 0;
        while (space.Allocate(8, 0, 0, isAsync: true, pid: 1).Status == BufferAllocationStatus.Ok)
        {
            count++;
        }

        Assert.Equal(expected, count);
        Assert.Equal(BufferAllocationStatus.NoAsyncSpace, space.Allocate(8, 0, 0, isAsync: true, pid: 1).Status);
    }

    [Fact]
    public void Mapping_is_capped_at_4_MiB_with_half_for_async()
    {
        var space = new BufferSpace(8L << 20, AsyncAccounting.Size);
        Assert.Equal(FourMiB, space.BufferSize);
        Assert.Equal(FourMiB / 2, space.FreeAsyncSpace);
        Assert.Equal(1024, space.PageCount);
    }

    [Fact]
    public void Oneway_spam_is_flagged_once_when_async_space_drops_below_a_tenth()
    {
        // 4096-byte async buffers: free async = 2,097,152 - 4096 n < 4 MiB / 10 = 419,430 first at n = 410;
        // pid 7 then holds 410 > 50 buffers → suspect on the 410th only (fires once until space recovers).
        var space = new BufferSpace(FourMiB, AsyncAccounting.Size);
        var flagged = new List<int>();
        var handles = new List<int>();
        for (var n = 1; n <= 420; n++)
        {
            var a = space.Allocate(4096, 0, 0, isAsync: true, pid: 7);
            handles.Add(a.Handle);
            if (a.OneWaySpamSuspect)
            {
                flagged.Add(n);
            }
        }

        Assert.Equal([410], flagged);

        // Freeing 20 buffers brings async space back above a tenth (400 × 4096 = 1,638,400 charged → 458,752 free):
        // the next allocation re-arms detection, which fires again below the threshold.
        foreach (var h in handles.Take(20))
        {
            space.Free(h);
        }

        Assert.False(space.Allocate(4096, 0, 0, isAsync: true, pid: 7).OneWaySpamSuspect);
        var again = new List<bool>();
        for (var n = 0; n < 10; n++)
        {
            again.Add(space.Allocate(4096, 0, 0, isAsync: true, pid: 7).OneWaySpamSuspect);
        }

        Assert.Equal(1, again.Count(x => x));
    }

    [Fact]
    public void Best_fit_takes_the_smallest_free_buffer_that_fits_and_the_earliest_of_equal_size()
    {
        // Layout: A 1000 | 8 | B 2000 | 8 | C 1000 | 8 | rest; the 8-byte spacers keep the holes from merging.
        // Holes freed in the order C, A, B: equal 1000-byte keys C then A (later inserts go to the right).
        var space = new BufferSpace(FourMiB, AsyncAccounting.Size);
        var a = space.Allocate(1000, 0, 0, false, 1);
        space.Allocate(8, 0, 0, false, 1);
        var b = space.Allocate(2000, 0, 0, false, 1);
        space.Allocate(8, 0, 0, false, 1);
        var c = space.Allocate(1000, 0, 0, false, 1);
        space.Allocate(8, 0, 0, false, 1);
        space.Free(c.Handle);
        space.Free(a.Handle);
        space.Free(b.Handle);

        // 900 fits all three holes; smallest size is 1000 (C and A), C was inserted first.
        Assert.Equal(c.Offset, space.Allocate(900, 0, 0, false, 1).Offset);

        // 1500 skips the remaining 1000-byte hole (A) and takes the 2000-byte one (B).
        Assert.Equal(b.Offset, space.Allocate(1500, 0, 0, false, 1).Offset);
    }

    [Fact]
    public void Freeing_merges_with_free_neighbours_back_into_one_buffer()
    {
        var space = new BufferSpace(FourMiB, AsyncAccounting.Size);
        var x = space.Allocate(5000, 0, 0, false, 1);
        var y = space.Allocate(300, 0, 0, false, 1);
        Assert.Equal(3, space.BufferCount);
        space.Free(x.Handle);
        space.Free(y.Handle);
        Assert.Equal(1, space.BufferCount);
        Assert.Equal(1, space.FreeBufferCount);
        Assert.Equal(FourMiB, space.SizeOf(x.Handle));
    }

    [Fact]
    public void Sizes_are_8_aligned_per_part_and_padded_to_a_pointer()
    {
        Assert.Equal(8, BufferSpace.SanitizedSize(0, 0, 0, out _));
        Assert.Equal(24, BufferSpace.SanitizedSize(1, 9, 0, out _));
        BufferSpace.SanitizedSize(long.MaxValue, long.MaxValue, 0, out var overflow);
        Assert.True(overflow);
    }
}
