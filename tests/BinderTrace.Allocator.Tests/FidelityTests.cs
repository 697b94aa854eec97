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
[Trait("Category", "Slow")]
public sealed class FidelityTests
{
    private static readonly string[] AllocatorEventPrefixes = ["binder_update_page_range", "binder_alloc_", "binder_free_", "binder_unmap_", "mmap_lock_"];

    /// <summary>The light captures include a drop_caches phase, so they are compared with the reclaim preset.</summary>
    [Theory]
    [InlineData("6.1.0-56-amd64", "contended", "range-write", "contended")]
    [InlineData("6.12.107+deb13-amd64", "contended", "page-write", "contended")]
    [InlineData("7.3.4+deb13-amd64", "contended", "page-concurrent", "contended")]
    [InlineData("6.1.0-56-amd64", "light", "range-write", "reclaim")]
    [InlineData("6.12.107+deb13-amd64", "light", "page-write", "reclaim")]
    [InlineData("7.3.4+deb13-amd64", "light", "page-concurrent", "reclaim")]
    public void Simulation_has_the_structural_signature_of_the_real_capture(string kernel, string capture, string design, string preset)
    {
        var real = Signature(TraceReader.Open(Path.Combine(RepositoryPaths.SharedTraces, kernel, capture, "trace.txt.gz"), ParseOptions.Default));
        var sim = Signature(new SimulatedTraceSource(new SimulationOptions(design, WorkloadPresets.Find(preset)!, 3, 50_000_000)));

        Assert.NotEqual(InstallLocking.Unknown, real.DominantInstallLocking);
        Assert.Equal(real.DominantInstallLocking, sim.DominantInstallLocking);
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

    // windows: zcat …/light/trace.txt.gz | grep -c binder_alloc_page_start → 97 (6.1), 96 (6.12), 92 (7.3).
    [Theory]
    [InlineData("6.1.0-56-amd64", 97, InstallLocking.InsideWriteHold, LruAddOrder.Descending, UnmapOrder.UserFirst, MemcgForm.Path)]
    [InlineData("6.12.107+deb13-amd64", 96, InstallLocking.WriteLockInside, LruAddOrder.Ascending, UnmapOrder.KernelFirst, MemcgForm.Path)]
    [InlineData("7.3.4+deb13-amd64", 92, InstallLocking.NoLock, LruAddOrder.Ascending, UnmapOrder.KernelFirst, MemcgForm.Id)]
    public void Real_light_captures_show_the_facts_the_traces_readme_states(
        string kernel, long windows, InstallLocking locking, LruAddOrder lru, UnmapOrder unmap, MemcgForm memcg)
    {
        var s = Signature(TraceReader.Open(Path.Combine(RepositoryPaths.SharedTraces, kernel, "light", "trace.txt.gz"), ParseOptions.Default));
        Assert.Equal(locking, s.DominantInstallLocking);
        Assert.Equal(lru, s.LruAddOrder);
        Assert.Equal(unmap, s.UnmapOrder);
        Assert.Equal(memcg, s.MemcgForm);
        Assert.Equal(windows, s.InstallWindows + s.UnfinishedInstallWindows);
    }

    private static StructuralSignature Signature(ITraceEventSource source)
    {
        using (source)
        {
            return StructuralSignatureTracker.Compute(source);
        }
    }

    private static string[] AllocatorEvents(StructuralSignature s) =>
        [.. s.EventNames.Where(n => AllocatorEventPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))];
}
