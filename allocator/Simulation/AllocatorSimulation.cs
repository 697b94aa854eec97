using BinderTrace.Allocator.Model;
using BinderTrace.Allocator.Workload;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>What to simulate: a design name (<see cref="AllocatorDesignNames"/>), a workload, a seed, optionally a duration.</summary>
public sealed record SimulationOptions(string Design, WorkloadSpec Workload, ulong Seed, long? DurationNs = null)
{
    public long EffectiveDurationNs => DurationNs ?? Workload.DurationNs;
}

/// <summary>
/// One deterministic run: builds the processes and threads of the workload over the chosen design and advances
/// virtual time only as far as a consumer pulls events, so memory does not grow with the duration.
/// </summary>
internal sealed class AllocatorSimulation
{
    /// <summary>Virtual boot time at which the workload starts; the captures start binder work ~5 s after boot.</summary>
    private const long BootOffsetNs = 5_000_000_000;

    private const int FirstServerTgid = 1000;
    private const int FirstClientTgid = 3000;
    private const int TgidStride = 100;
    private const int KswapdPid = 90;

    private readonly Scheduler _scheduler;
    private readonly TraceEmitter _emitter;
    private readonly long _endNs;
    private bool _finished;

    public AllocatorSimulation(SimulationOptions options, SimulatedDesign design)
        : this(design, options?.Workload.Cpus ?? 0, options?.Workload.Costs!, options?.Seed ?? 0, options?.EffectiveDurationNs ?? 0, BootOffsetNs)
    {
        var spec = options!.Workload;
        spec.Validate("workload");

        var servers = new List<BinderProcess>();
        for (var s = 0; s < spec.ServerProcesses; s++)
        {
            servers.Add(AddProcess(FirstServerTgid + (s * TgidStride), spec.MappingBytes));
        }

        var threads = new WorkloadThreads(Context, Design, spec, servers);
        foreach (var server in servers)
        {
            var pid = server.Tgid + 1;
            for (var i = 0; i < spec.LooperThreads; i++)
            {
                _scheduler.Start(NewTask(pid++, server.Tgid, "srv_looper", self => threads.Looper(self, server)), i);
            }

            for (var i = 0; i < spec.AppThreads; i++)
            {
                _scheduler.Start(NewTask(pid++, server.Tgid, "srv_app", self => threads.AppThread(self, server)), i);
            }
        }

        for (var p = 0; p < spec.ClientProcesses; p++)
        {
            var tgid = FirstClientTgid + (p * TgidStride);
            var client = AddProcess(tgid, spec.MappingBytes);
            for (var i = 0; i < spec.ThreadsPerClient; i++)
            {
                _scheduler.Start(NewTask(tgid + i, tgid, "client", self => threads.Client(self, client)), p + i);
            }
        }

        if (spec.PressureIntervalNs > 0)
        {
            _scheduler.Start(NewTask(KswapdPid, KswapdPid, "kswapd0", self => threads.Kswapd(self)), 0);
        }
    }

    /// <summary>A run with no workload threads yet: <paramref name="bootOffsetNs"/> is the trace time of virtual time 0.</summary>
    internal AllocatorSimulation(SimulatedDesign design, int cpus, CostModel costs, ulong seed, long endNs, long bootOffsetNs)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(costs);
        Design = design;
        _endNs = endNs;
        _scheduler = new Scheduler(cpus, costs.WakeLatencyNs, costs.SpinHandoffNs) { Horizon = _endNs };
        _emitter = new TraceEmitter(_scheduler, bootOffsetNs, memcgId: Design.PrintsMemcgId);
        Context = new SimContext(_scheduler, _emitter, costs, new SplitMix64(seed));
    }

    public SimulationCounters Counters => Context.Counters;

    internal SimulatedDesign Design { get; }

    internal SimContext Context { get; }

    internal Scheduler Scheduler => _scheduler;

    /// <summary>The next event in time order, running the simulation as needed; false once the duration is over.</summary>
    public bool TryNext(out TraceEvent e, out int preemptDepth)
    {
        while (_emitter.Count == 0)
        {
            if (_finished || !_scheduler.HasPending || _scheduler.NextTime >= _endNs)
            {
                _finished = true;
                e = default;
                preemptDepth = 0;
                return false;
            }

            _scheduler.RunNext();
        }

        return _emitter.TryDequeue(out e, out preemptDepth);
    }

    internal static SimTask NewTask(int pid, int tgid, string comm, Func<SimTask, IEnumerable<Step>> body)
    {
        var task = new SimTask(pid, tgid, comm);
        task.Push(body(task).GetEnumerator());
        return task;
    }

    internal BinderProcess AddProcess(int tgid, long mappingBytes, ulong? mmId = null)
    {
        var buffers = new BufferSpace(mappingBytes, Design.Accounting);
        var pages = Context.Lru.CreatePages(buffers.PageCount);
        var mm = new SimRwSemaphore(_scheduler, $"mmap_lock/{tgid}", Context.Costs.MmapWriterWakeLatencyNs > 0 ? Context.Costs.MmapWriterWakeLatencyNs : -1,
            Context.Costs.MmapWriterStealing, Context.Costs.MmapReaderStealing);

        // %p hashing prints 8 significant hex digits; any stable value per mm works as an identity.
        var id = Context.Rng.NextUInt64() & 0xFFFF_FFFF;
        var process = new BinderProcess(tgid, mmId ?? id, buffers, pages, Design.CreateAllocLock(_scheduler, tgid), mm);
        Context.Processes.Add(process);
        return process;
    }
}
