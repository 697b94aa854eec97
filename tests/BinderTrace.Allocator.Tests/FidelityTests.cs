using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Analysis.Signature;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Each real capture against the simulation of its design (traces/README.md table): the structural signature
/// (mmap_lock mode around install windows, LRU add order, unmap order, memcg form, which allocator events exist,
/// event order within one allocation, one free and one shrunk page) must agree. Both sides go through the same
/// <see cref="StructuralSignatureTracker"/>.
/// </summary>
public sealed class FidelityTests
{
    private static readonly string[] AllocatorEventPrefixes = ["binder_update_page_range", "binder_alloc_", "binder_free_", "binder_unmap_", "mmap_lock_"];

    [Theory]
    [InlineData("6.1.0-56-amd64", "range-write")]
    [InlineData("6.12.107+deb13-amd64", "page-write")]
    [InlineData("7.3.4+deb13-amd64", "page-concurrent")]
    public void Simulation_has_the_structural_signature_of_the_real_capture(string kernel, string design)
    {
        var real = Signature(TraceReader.Open(Path.Combine(RepoPaths.Traces, kernel, "contended", "trace.txt.gz"), ParseOptions.Default));
        var sim = Signature(new SimulatedTraceSource(new SimulationOptions(design, WorkloadPresets.Contended, 3, 50_000_000)));

        Assert.Equal(DominantInstallLocking(real), DominantInstallLocking(sim));
        Assert.Equal(real.WriteHoldsEnclosingSeveralWindows > 0, sim.WriteHoldsEnclosingSeveralWindows > 0);
        Assert.Equal(real.LruAddOrder, sim.LruAddOrder);
        Assert.Equal(real.UnmapOrder, sim.UnmapOrder);
        Assert.Equal(real.MemcgForm, sim.MemcgForm);
        Assert.Equal(real.UpdatePageRangeWrapped > 0, sim.UpdatePageRangeWrapped > 0);
        Assert.Equal(real.UpdatePageRangeZeroSize > 0, sim.UpdatePageRangeZeroSize > 0);
        Assert.Equal(AllocatorEvents(real), AllocatorEvents(sim));
        Assert.Equal(real.DominantInstallAllocationShape, sim.DominantInstallAllocationShape);
        Assert.Equal(real.DominantShrinkPageShape, sim.DominantShrinkPageShape);
        Assert.Equal(real.FreeShapes.Keys.Order(StringComparer.Ordinal), sim.FreeShapes.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("6.1.0-56-amd64", LruAddOrder.Descending, UnmapOrder.UserFirst, MemcgForm.Path)]
    [InlineData("6.12.107+deb13-amd64", LruAddOrder.Ascending, UnmapOrder.KernelFirst, MemcgForm.Path)]
    [InlineData("7.3.4+deb13-amd64", LruAddOrder.Ascending, UnmapOrder.KernelFirst, MemcgForm.Id)]
    public void Real_light_captures_show_the_facts_the_traces_readme_states(string kernel, LruAddOrder lru, UnmapOrder unmap, MemcgForm memcg)
    {
        var s = Signature(TraceReader.Open(Path.Combine(RepoPaths.Traces, kernel, "light", "trace.txt.gz"), ParseOptions.Default));
        Assert.Equal(lru, s.LruAddOrder);
        Assert.Equal(unmap, s.UnmapOrder);
        Assert.Equal(memcg, s.MemcgForm);

        // zcat …/light/trace.txt.gz | grep -c binder_alloc_page_start → 97 (6.1), 96 (6.12), 92 (7.3).
        var expectedWindows = kernel[..3] switch { "6.1" when kernel.StartsWith("6.12", StringComparison.Ordinal) => 96, "6.1" => 97, _ => 92 };
        Assert.Equal(expectedWindows, s.InstallWindows + s.UnfinishedInstallWindows);
    }

    private static StructuralSignature Signature(ITraceEventSource source)
    {
        using (source)
        {
            var tracker = new StructuralSignatureTracker();
            while (source.TryRead(out var e))
            {
                tracker.Process(e);
            }

            return tracker.Build();
        }
    }

    private static string DominantInstallLocking(StructuralSignature s)
    {
        var classes = new (string Name, long Count)[]
        {
            ("inside-write-hold", s.InstallWindowsInsideWriteHold), ("inside-read-hold", s.InstallWindowsInsideReadHold),
            ("write-inside", s.InstallWindowsWithWriteLockInside), ("read-inside", s.InstallWindowsWithReadLockInside),
            ("no-lock", s.InstallWindowsWithoutLock),
        };
        return classes.MaxBy(c => c.Count).Name;
    }

    private static string[] AllocatorEvents(StructuralSignature s) =>
        [.. s.EventNames.Where(n => AllocatorEventPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))];
}
