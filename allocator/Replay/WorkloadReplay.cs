using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Replay;

/// <summary>
/// Runs a <see cref="TraceWorkload"/> on one allocator design. Virtual time 0 is the trace's first timestamp, so
/// the replayed trace lines up with the real one; the same workload, design and seed give the same events.
/// </summary>
public static class WorkloadReplay
{
    /// <summary>How far past the real trace's length a slower design may run before the replay is cut off.</summary>
    private const int HorizonFactor = 4;

    public static SimulatedTraceSource Open(TraceWorkload workload, string design, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(design);
        var length = Math.Max(1, workload.LastTimestampNs - workload.FirstTimestampNs);
        var simulation = new AllocatorSimulation(AllocatorDesigns.Resolve(design), workload.Cpus, workload.Costs, seed, (length * HorizonFactor) + 1_000_000_000, workload.FirstTimestampNs);
        var processes = new Dictionary<int, BinderProcess>();
        foreach (var p in workload.Processes)
        {
            processes[p.Tgid] = simulation.AddProcess(p.Tgid, p.MappingBytes, p.Mm == 0 ? null : p.Mm);
        }

        var threads = new ReplayThreads(simulation.Context, simulation.Design, processes, workload.FirstTimestampNs);
        var cpu = 0;
        foreach (var script in workload.Threads)
        {
            var tgid = script.Tgid > 0 ? script.Tgid : script.Pid;
            simulation.Scheduler.Start(AllocatorSimulation.NewTask(script.Pid, tgid, script.Comm, self => threads.Thread(self, script)), cpu++ % workload.Cpus);
        }

        foreach (var run in workload.ShrinkerRuns)
        {
            simulation.Scheduler.Start(AllocatorSimulation.NewTask(run.Pid, run.Pid, run.Comm, self => threads.Shrinker(self, run)), 0);
        }

        var info = new TraceSourceInfo
        {
            SourceName = $"replay:{simulation.Design.Info.Name}/{workload.SourceName}/seed={seed}",
            Format = TraceFormat.ReferenceAllocator,
            Clock = TraceClockKind.Nanoseconds,
            HeaderCpuCount = workload.Cpus,
            Kernel = simulation.Design.Info.KernelLabel,
        };
        return new SimulatedTraceSource(simulation, info);
    }
}
