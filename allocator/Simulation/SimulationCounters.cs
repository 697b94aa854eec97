namespace BinderTrace.Allocator.Simulation;

/// <summary>What a run did, for summaries and benchmarks.</summary>
public sealed class SimulationCounters
{
    /// <summary>Transactions whose buffer was allocated (requests and replies).</summary>
    public long Transactions { get; set; }

    public long AllocationFailures { get; set; }

    public long PagesInstalled { get; set; }

    public long PagesReclaimed { get; set; }

    public long ShrinkerSkips { get; set; }

    /// <summary>Installs that found the page already installed (6.8 re-check) or hit -EBUSY (6.14+).</summary>
    public long InstallRaces { get; set; }

    public long OneWaySpamSuspects { get; set; }
}
