using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>A simulated design as the command line lists it; its name is the event model's (<see cref="AllocatorDesignNames"/>).</summary>
public sealed record AllocatorDesignInfo(AllocatorDesign Design, string KernelLabel, string Kernels, string Summary)
{
    public string Name => AllocatorDesignNames.Of(Design);
}
