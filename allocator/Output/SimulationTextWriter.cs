using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Simulation;

namespace BinderTrace.Allocator.Output;

/// <summary>What a written simulation contained.</summary>
public sealed record SimulationSummary(AllocatorDesignInfo Design, string Workload, ulong Seed, long DurationNs, long Events, SimulationCounters Counters);

/// <summary>
/// Writes a simulation as the kernel's <c>trace</c> file. The header states the number of entries before the
/// first event line, so the lines are formatted once into a temporary file (deleted on close) while they are
/// counted, then the header and the lines are copied to the output. Memory stays flat; the simulation runs once.
/// </summary>
public static class SimulationTextWriter
{
    /// <summary>Events between cancellation checks.</summary>
    private const int CancellationStride = 8192;

    /// <summary>Writes the trace; throws <see cref="OperationCanceledException"/> soon after <paramref name="cancellationToken"/> fires.</summary>
    public static SimulationSummary Write(SimulationOptions options, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var source = new SimulatedTraceSource(options);
        var entries = Write(source, options.Workload.Cpus, output, Producer(source.Design, options), cancellationToken);
        return new SimulationSummary(source.Design, options.Workload.Name, options.Seed, options.EffectiveDurationNs, entries, source.Counters);
    }

    /// <summary>Writes any simulated source (a preset run or a trace replay) as a kernel trace; returns the entry count.</summary>
    /// <param name="producer">The header's provenance line (<see cref="Producer"/>), or null for none.</param>
    public static long Write(SimulatedTraceSource source, int cpus, Stream output, string? producer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        using var body = new FileStream(
            Path.Combine(Path.GetTempPath(), $"bindertrace-simulate-{Guid.NewGuid():N}.tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
        var lines = new StreamBufferWriter(body);
        long entries = 0;
        while (source.TryReadWithDepth(out var e, out var depth))
        {
            FtraceLineFormatter.WriteLine(lines, e, depth);
            if (++entries % CancellationStride == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        lines.Flush();
        var header = new StreamBufferWriter(output, 4096);
        FtraceLineFormatter.WriteHeader(header, entries, cpus, producer);
        header.Flush();
        body.Position = 0;
        body.CopyTo(output, 1 << 18);
        output.Flush();
        return entries;
    }

    /// <summary>The header's provenance line, in the <c>key=value</c> form FtraceTextSource reads <c>kernel=</c> from.</summary>
    internal static string Producer(AllocatorDesignInfo design, SimulationOptions options) =>
        $"bindertrace simulate: design={design.Name} kernel={design.KernelLabel} kernels={design.Kernels.Replace(' ', '_')} workload={options.Workload.Name} seed={options.Seed}";
}
