using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Analysis.Signature;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 4 asks the fingerprint to recognise every design of the reference allocator. The expected design is
/// the one the simulation was asked to run; the classifier only sees the emitted events.
/// </summary>
public sealed class FingerprintOfSimulationTests
{
    [Theory]
    [InlineData("range-read", "light")]
    [InlineData("range-read", "contended")]
    [InlineData("range-write", "light")]
    [InlineData("range-write", "contended")]
    [InlineData("page-write", "light")]
    [InlineData("page-write", "contended")]
    [InlineData("page-concurrent", "light")]
    [InlineData("page-concurrent", "contended")]
    public void The_fingerprint_names_the_design_that_was_simulated(string design, string workload)
    {
        using var source = new SimulatedTraceSource(new SimulationOptions(design, WorkloadPresets.Find(workload)!, Seed: 7));

        var fingerprint = AllocatorDesignClassifier.Classify(StructuralSignatureTracker.Compute(source));

        Assert.Equal(design, fingerprint.DesignName);
    }

    /// <summary>
    /// The what-if fault handler design installs like 6.14 from the allocator's side (allocator/README.md,
    /// assumptions 1-3): no mmap_lock inside install windows, ascending LRU adds. It is not a fifth kernel
    /// design, so it must not be called range or page-write.
    /// </summary>
    [Fact]
    public void Fault_deferred_reads_as_the_concurrent_installer_it_extends()
    {
        using var source = new SimulatedTraceSource(new SimulationOptions("fault-deferred", WorkloadPresets.Contended, Seed: 7));

        var fingerprint = AllocatorDesignClassifier.Classify(StructuralSignatureTracker.Compute(source));

        Assert.Equal("page-concurrent", fingerprint.DesignName);
    }
}
