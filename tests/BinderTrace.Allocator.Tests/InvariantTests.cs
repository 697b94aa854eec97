using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Invariants checked on many seeds: properties of the kernel's rules, not of particular outputs.</summary>
public sealed class InvariantTests
{
    [Theory]
    [InlineData("range-read")]
    [InlineData("range-write")]
    [InlineData("page-write")]
    [InlineData("page-concurrent")]
    [InlineData("fault-deferred")]
    public void Traced_mmap_lock_holds_never_overlap_a_writer_and_time_never_goes_back(string design)
    {
        for (ulong seed = 1; seed <= 4; seed++)
        {
            using var source = new SimulatedTraceSource(new SimulationOptions(design, WorkloadPresets.Contended, seed, 4_000_000));
            var writer = new Dictionary<ulong, int>();
            var readers = new Dictionary<ulong, int>();
            var last = long.MinValue;
            while (source.TryRead(out var e))
            {
                Assert.True(e.Timestamp >= last, $"seed {seed}: time went back at {e}");
                last = e.Timestamp;
                if (e.Kind is not (EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased))
                {
                    continue;
                }

                var m = e.MmapLock;
                var holder = writer.GetValueOrDefault(m.Mm);
                var r = readers.GetValueOrDefault(m.Mm);
                if (e.Kind == EventKind.MmapLockAcquireReturned && m.Success)
                {
                    if (m.Write)
                    {
                        Assert.True(holder == 0 && r == 0, $"seed {seed}: write acquired while task {holder} writes and {r} read at {e}");
                        writer[m.Mm] = e.Pid;
                        continue;
                    }

                    // A read acquire under a writer is only legal as that writer's own downgrade (mmap_write_downgrade).
                    Assert.True(holder == 0 || holder == e.Pid, $"seed {seed}: read acquired while task {holder} writes at {e}");
                    writer[m.Mm] = 0;
                    readers[m.Mm] = r + 1;
                }
                else if (e.Kind == EventKind.MmapLockReleased)
                {
                    if (m.Write)
                    {
                        writer[m.Mm] = 0;
                    }
                    else
                    {
                        readers[m.Mm] = r - 1;
                    }
                }
            }
        }
    }

    [Fact]
    public void Random_allocations_and_frees_keep_buffers_contiguous_and_pages_consistent()
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var rng = new SplitMix64(seed);
            var alloc = new SynchronousBinderAlloc(new GlobalLru(), 256 * 1024, seed % 2 == 0 ? PageInstallStyle.Range : PageInstallStyle.PerPageScan, AsyncAccounting.Size);
            var live = new List<(int Handle, long Offset, long Size)>();
            for (var step = 0; step < 2000; step++)
            {
                if (live.Count > 0 && rng.Chance(0.5))
                {
                    var i = (int)rng.NextInRange(0, live.Count - 1);
                    alloc.Free(live[i].Handle);
                    live.RemoveAt(i);
                }
                else
                {
                    var a = alloc.Allocate(rng.NextInRange(0, 20_000));
                    if (a.Status == BufferAllocationStatus.Ok)
                    {
                        live.Add((a.Handle, a.Offset, a.Size));
                    }
                }

                if (step % 50 == 0)
                {
                    alloc.ReclaimAll();
                }

                CheckLayout(alloc, live, seed, step);
            }
        }
    }

    /// <summary>
    /// Buffers tile the space with no two adjacent free ones; every page an allocated buffer touches is installed
    /// and off the LRU (KERNEL.md §1 invariant); a page no allocated buffer touches and holding no buffer start is
    /// never ACTIVE.
    /// </summary>
    private static void CheckLayout(SynchronousBinderAlloc alloc, List<(int Handle, long Offset, long Size)> live, ulong seed, int step)
    {
        long expected = 0;
        var previousFree = false;
        var starts = new HashSet<long>();
        alloc.Buffers.ForEachBuffer((offset, size, free) =>
        {
            Assert.Equal(expected, offset);
            Assert.False(free && previousFree, $"seed {seed} step {step}: adjacent free buffers at {offset}");
            previousFree = free;
            expected = offset + size;
            if (offset % BufferSpace.PageSize != 0)
            {
                starts.Add(offset / BufferSpace.PageSize);
            }
        });
        Assert.Equal(alloc.Buffers.BufferSize, expected);

        var touched = new bool[alloc.Pages.Count];
        foreach (var (_, offset, size) in live)
        {
            for (var p = offset / BufferSpace.PageSize; p < BufferSpace.PageAlign(offset + size) / BufferSpace.PageSize; p++)
            {
                touched[p] = true;
                Assert.True(alloc.Pages.StateOf(p) == PageState.Active, $"seed {seed} step {step}: page {p} of a live buffer is {alloc.Pages.StateOf(p)}");
            }
        }

        for (var p = 0; p < touched.Length; p++)
        {
            if (!touched[p] && !starts.Contains(p))
            {
                Assert.True(alloc.Pages.StateOf(p) != PageState.Active, $"seed {seed} step {step}: page {p} is active with no buffer on it");
            }
        }
    }
}
