namespace BinderTrace.Allocator.Designs;

/// <summary>A design as the command line lists it.</summary>
public sealed record AllocatorDesignInfo(string Name, string KernelLabel, string Kernels, string Summary);
