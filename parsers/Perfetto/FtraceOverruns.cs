using BinderTrace.Events;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Ring-buffer overruns from the <c>ftrace_stats</c> packets traced_probes writes at the start and the end
/// of a trace (<c>FtraceStats { phase = 1; cpu_stats = 2 }</c>, <c>FtraceCpuStats { cpu = 1; overrun = 3 }</c>):
/// the growth of a CPU's overrun counter is the number of events the kernel overwrote before they were read.
/// </summary>
internal sealed class FtraceOverruns
{
    private const int StartOfTrace = 1;
    private const int EndOfTrace = 2;

    private readonly Dictionary<int, long> _start = [];
    private readonly Dictionary<int, long> _end = [];
    private bool _reported;

    public void Read(ProtoReader stats)
    {
        var phase = 0L;
        var cpus = new List<(int Cpu, long Overrun)>();
        while (stats.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.Varint)
            {
                phase = (long)stats.ReadVarint();
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                cpus.Add(ReadCpu(stats.ReadMessage()));
            }
            else
            {
                stats.Skip(wireType);
            }
        }

        var target = phase switch { StartOfTrace => _start, EndOfTrace => _end, _ => null };
        foreach (var (cpu, overrun) in cpus)
        {
            target?.TryAdd(cpu, overrun);
        }
    }

    /// <summary>Adds each CPU's overrun growth between the start and end stats to the lost events, once.</summary>
    public void Report(TraceDiagnostics diagnostics)
    {
        if (_reported)
        {
            return;
        }

        _reported = true;
        foreach (var (cpu, end) in _end.OrderBy(e => e.Key))
        {
            if (_start.TryGetValue(cpu, out var start) && end > start)
            {
                diagnostics.AddLostEvents(cpu, end - start);
            }
        }
    }

    private static (int, long) ReadCpu(ProtoReader cpuStats)
    {
        var cpu = 0L;
        var overrun = 0L;
        while (cpuStats.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.Varint)
            {
                cpu = (long)cpuStats.ReadVarint();
            }
            else if (field == 3 && wireType == WireType.Varint)
            {
                overrun = (long)cpuStats.ReadVarint();
            }
            else
            {
                cpuStats.Skip(wireType);
            }
        }

        return ((int)Math.Min(cpu, int.MaxValue), overrun);
    }
}
