using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Workload;

namespace BinderTrace.Allocator.Simulation;

/// <summary>Shared state of one simulation run that designs and workload tasks reach into.</summary>
internal sealed class SimContext
{
    public SimContext(Scheduler scheduler, TraceEmitter emitter, CostModel costs, SplitMix64 rng)
    {
        Scheduler = scheduler;
        Emitter = emitter;
        Costs = costs;
        Rng = rng;
        LruLock = new SimSpinLock(scheduler, "binder_freelist.lock");
    }

    public Scheduler Scheduler { get; }

    public TraceEmitter Emitter { get; }

    public CostModel Costs { get; }

    public SplitMix64 Rng { get; }

    public GlobalLru Lru { get; } = new();

    /// <summary>The list_lru spinlock; only the shrinker's walk takes it in this model (list_lru_add/del are instant).</summary>
    public SimSpinLock LruLock { get; }

    /// <summary>Processes by their <see cref="BinderPages.Owner"/> index on the LRU.</summary>
    public List<BinderProcess> Processes { get; } = [];

    /// <summary>alloc_page has slow-path odds until this virtual time (a memory-pressure episode).</summary>
    public long PressureUntil { get; set; } = -1;

    public SimulationCounters Counters { get; } = new();

    /// <summary>alloc_page; <paramref name="firstOfAllocation"/>: the first page this allocation installs.</summary>
    public long AllocPageCost(bool firstOfAllocation = false)
    {
        var cost = Costs.AllocPageNs + (firstOfAllocation ? Costs.FirstInstallExtraNs : 0);
        if (Scheduler.Now < PressureUntil && Rng.Chance(Costs.AllocPageSlowPathProbability))
        {
            cost += Costs.AllocPageSlowPathNs;
        }

        return cost;
    }
}
