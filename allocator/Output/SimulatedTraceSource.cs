using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Events;

namespace BinderTrace.Allocator.Output;

/// <summary>
/// The reference allocator as an event stream: analysis reads a simulation exactly as it reads a parsed trace,
/// without a text round trip. Events come out in time order while the simulation advances. Like a parsed ftrace
/// text they carry µs-resolution timestamps and no tgid (-1), so the stream equals its own text read back.
/// </summary>
public sealed class SimulatedTraceSource : ITraceEventSource
{
    private readonly AllocatorSimulation _simulation;

    public SimulatedTraceSource(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _simulation = new AllocatorSimulation(options, AllocatorDesigns.Resolve(options.Design));
        Info = new TraceSourceInfo
        {
            SourceName = $"simulate:{_simulation.Design.Info.Name}/{options.Workload.Name}/seed={options.Seed}",
            Format = TraceFormat.ReferenceAllocator,
            Clock = TraceClockKind.Nanoseconds,
            HeaderCpuCount = options.Workload.Cpus,
            Kernel = _simulation.Design.Info.KernelLabel,
        };
    }

    /// <summary>A simulation built by other means than a workload spec (a trace replay).</summary>
    internal SimulatedTraceSource(AllocatorSimulation simulation, TraceSourceInfo info)
    {
        _simulation = simulation;
        Info = info;
    }

    public TraceSourceInfo Info { get; }

    public TraceDiagnostics Diagnostics { get; } = new();

    public AllocatorDesignInfo Design => _simulation.Design.Info;

    public SimulationCounters Counters => _simulation.Counters;

    public bool TryRead(out TraceEvent traceEvent) => TryReadWithDepth(out traceEvent, out _);

    public void Dispose()
    {
    }

    /// <summary>The next event plus the preempt depth the text writer prints in the flags column.</summary>
    internal bool TryReadWithDepth(out TraceEvent traceEvent, out int preemptDepth)
    {
        if (!_simulation.TryNext(out traceEvent, out preemptDepth))
        {
            return false;
        }

        Diagnostics.EventsRead++;
        return true;
    }
}
