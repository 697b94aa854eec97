namespace BinderTrace.Allocator.Workload;

/// <summary>Built-in workloads, named like the real captures' phases (traces/README.md).</summary>
public static class WorkloadPresets
{
    /// <summary>Few clients, long think times, no memory pressure: pages are installed once and then reused from the LRU.</summary>
    public static WorkloadSpec Light { get; } = new() { Name = "light" };

    /// <summary>
    /// Many client threads, larger payloads, app threads doing frequent mmap/munmap in the server, and periodic
    /// shrinker passes so that pages keep going missing: the mmap_lock contention the 6.1 → 6.14 changes were about.
    /// </summary>
    public static WorkloadSpec Contended { get; } = new()
    {
        Name = "contended",
        LooperThreads = 8,
        ClientProcesses = 6,
        ThreadsPerClient = 2,
        ClientThinkNs = 20_000,
        RequestSizes = [new(64, 1024, 0.5), new(4096, 32768, 0.4), new(65536, 204800, 0.1)],
        AppThreads = 4,
        AppIntervalNs = 50_000,
        AppWriteFraction = 0.3,
        PressureIntervalNs = 5_000_000,
        PressureScanFraction = 0.5,
    };

    /// <summary>Moderate traffic under heavy, frequent reclaim (drop_caches-like full LRU scans) with slow-path page allocation.</summary>
    public static WorkloadSpec Reclaim { get; } = new()
    {
        Name = "reclaim",
        ClientProcesses = 4,
        ThreadsPerClient = 2,
        ClientThinkNs = 50_000,
        RequestSizes = [new(64, 2048, 0.5), new(8192, 65536, 0.5)],
        AppThreads = 2,
        AppIntervalNs = 100_000,
        PressureIntervalNs = 2_000_000,
        PressureScanFraction = 1.0,
        PressureDurationNs = 2_000_000,
        Costs = new CostModel { AllocPageSlowPathProbability = 0.05 },
    };

    public static IReadOnlyList<WorkloadSpec> All { get; } = [Light, Contended, Reclaim];

    public static WorkloadSpec? Find(string name)
    {
        foreach (var spec in All)
        {
            if (string.Equals(spec.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return spec;
            }
        }

        return null;
    }
}
