using BinderTrace.Allocator.Model;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>
/// Port of <c>binder_alloc_exhaustive_test</c> (drivers/android/tests/binder_alloc_kunit.c, KERNEL.md §5): 5 buffers
/// whose ends fall in 5 alignment classes (5^5 layouts), laid out at the front or back of a 128 KiB space, freed in
/// all 5! orders = 750,000 cases. Each case: allocate all (every touched page installed and off the LRU), free in
/// order (every page below the end on the LRU), reallocate (LRU empty), free again, walk the freelist (every page
/// uninstalled). The expectations are the kernel test's, not this model's output.
/// The normal suite runs a deterministic sample: every <see cref="SampleStride"/>-th case (7,500 cases per style,
/// covering every layout in both placements); BINDERTRACE_FULL_KUNIT=1 runs all 750,000.
/// </summary>
public sealed class KunitExhaustiveTests
{
    private const int BufferNum = 5;
    private const long MinSize = BufferSpace.PageSize / 8;
    private const long SpaceSize = 128 * 1024;
    private const int SampleStride = 100;

    public static TheoryData<PageInstallStyle> Styles => new() { PageInstallStyle.Range, PageInstallStyle.PerPageScan };

    [Fact]
    public void Case_count_matches_the_kernel_test()
    {
        // 5^5 end-offset layouts x 2 placements x 5! free orders (KERNEL.md §5).
        Assert.Equal(750_000, EnumerateCases().Count());
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(Styles))]
    public void Sampled_cases_hold_the_kernel_expectations(PageInstallStyle style)
    {
        var full = Environment.GetEnvironmentVariable("BINDERTRACE_FULL_KUNIT") == "1";
        var stride = full ? 1 : SampleStride;
        var runner = new CaseRunner(style);
        var run = 0;
        var index = 0;
        foreach (var c in EnumerateCases())
        {
            if (index++ % stride != 0)
            {
                continue;
            }

            runner.Run(c.Sizes, c.Order, c.End);
            run++;
        }

        Assert.Equal(full ? 750_000 : 7_500, run);
    }

    [Fact]
    public void Mmap_state_matches_binder_alloc_test_mmap()
    {
        var alloc = new SynchronousBinderAlloc(new GlobalLru(), SpaceSize, PageInstallStyle.PerPageScan, AsyncAccounting.Size);
        Assert.Equal(SpaceSize, alloc.Buffers.BufferSize);
        Assert.Equal(0, alloc.Buffers.AllocatedCount);
        Assert.Equal(1, alloc.Buffers.BufferCount);
        alloc.Buffers.ForEachBuffer((offset, size, free) =>
        {
            Assert.Equal(0, offset);
            Assert.Equal(SpaceSize, size);
            Assert.True(free);
        });
    }

    private static IEnumerable<(long[] Sizes, int[] Order, long End)> EnumerateCases()
    {
        var ends = new long[BufferNum];
        foreach (var layout in EnumerateEnds(ends, 0))
        {
            var front = new long[BufferNum];
            var back = new long[BufferNum];
            long last = 0;
            for (var i = 0; i < BufferNum; i++)
            {
                front[i] = layout[i] - last;
                back[BufferNum - i - 1] = front[i];
                last = layout[i];
            }

            back[0] += SpaceSize - layout[BufferNum - 1];
            foreach (var order in Permutations())
            {
                yield return (front, order, layout[BufferNum - 1]);
            }

            foreach (var order in Permutations())
            {
                yield return (back, order, SpaceSize);
            }
        }
    }

    /// <summary>binder_selftest_alloc_offset: the end advances cumulatively through the 5 alignment classes.</summary>
    private static IEnumerable<long[]> EnumerateEnds(long[] ends, int index)
    {
        if (index == BufferNum)
        {
            yield return (long[])ends.Clone();
            yield break;
        }

        var end = index == 0 ? 0 : ends[index - 1];
        for (var align = 0; align < 5; align++)
        {
            end = align % 2 == 1 ? BufferSpace.PageAlign(end) : end + MinSize;
            ends[index] = end;
            foreach (var layout in EnumerateEnds(ends, index + 1))
            {
                yield return layout;
            }
        }
    }

    private static IEnumerable<int[]> Permutations()
    {
        var seq = new int[BufferNum];
        return Permute(seq, 0);

        static IEnumerable<int[]> Permute(int[] seq, int index)
        {
            if (index == BufferNum)
            {
                yield return (int[])seq.Clone();
                yield break;
            }

            for (var i = 0; i < BufferNum; i++)
            {
                if (Array.IndexOf(seq, i, 0, index) >= 0)
                {
                    continue;
                }

                seq[index] = i;
                foreach (var p in Permute(seq, index + 1))
                {
                    yield return p;
                }
            }
        }
    }

    private sealed class CaseRunner(PageInstallStyle style)
    {
        private readonly SynchronousBinderAlloc _alloc = new(new GlobalLru(), SpaceSize, style, AsyncAccounting.Size);
        private readonly int[] _handles = new int[BufferNum];
        private readonly long[] _offsets = new long[BufferNum];

        public void Run(long[] sizes, int[] order, long end)
        {
            AllocateAll(sizes);
            FreeAll(order, end);
            AllocateAll(sizes);
            Check(_alloc.Lru.Count == 0, "lru list should be empty after reallocating", sizes, order);
            FreeAll(order, end);
            _alloc.ReclaimAll();
            for (long p = 0; p < SpaceSize / BufferSpace.PageSize; p++)
            {
                Check(!_alloc.Pages.IsInstalled(p), $"page {p} still installed after the freelist walk", sizes, order);
            }
        }

        private void AllocateAll(long[] sizes)
        {
            for (var i = 0; i < BufferNum; i++)
            {
                var a = _alloc.Allocate(sizes[i]);
                Check(a.Status == BufferAllocationStatus.Ok, $"buffer {i} allocation failed: {a.Status}", sizes, null);
                _handles[i] = a.Handle;
                _offsets[i] = a.Offset;
                for (var p = BufferSpace.PageDown(a.Offset); p < a.Offset + sizes[i]; p += BufferSpace.PageSize)
                {
                    var page = p / BufferSpace.PageSize;
                    Check(_alloc.Pages.StateOf(page) == PageState.Active, $"buffer {i} page {page} is {_alloc.Pages.StateOf(page)}", sizes, null);
                }
            }
        }

        private void FreeAll(int[] order, long end)
        {
            foreach (var i in order)
            {
                _alloc.Free(_handles[i]);
            }

            for (long p = 0; p < end / BufferSpace.PageSize; p++)
            {
                Check(_alloc.Pages.StateOf(p) == PageState.Lru, $"page {p} is {_alloc.Pages.StateOf(p)} after freeing all", null, order);
            }
        }

        private void Check(bool condition, string what, long[]? sizes, int[]? order)
        {
            if (!condition)
            {
                Assert.Fail($"{style}: {what}; sizes [{string.Join(',', sizes ?? [])}] order [{string.Join(',', order ?? [])}] offsets [{string.Join(',', _offsets)}]");
            }
        }
    }
}
