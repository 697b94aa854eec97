using System.Diagnostics;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;

namespace BinderTrace.Bench;

/// <summary>
/// Issue 3's figure: simulated transactions per wall-clock second of the reference allocator on the
/// <c>contended</c> preset, with its event stream consumed as analysis consumes it (memory flat in duration).
/// Each design runs twice; the first run includes JIT warm-up, so both are printed.
/// </summary>
internal static class SimulationRate
{
    public static void Run(double simulatedSeconds)
    {
        foreach (var design in new[] { "range-read", "range-write", "page-write", "page-concurrent", "fault-deferred" })
        {
            for (var run = 1; run <= 2; run++)
            {
                var options = new SimulationOptions(design, WorkloadPresets.Contended, Seed: 1, DurationNs: (long)(simulatedSeconds * 1e9));
                var clock = Stopwatch.StartNew();
                long events = 0;
                using var source = new SimulatedTraceSource(options);
                while (source.TryRead(out _))
                {
                    events++;
                }

                var seconds = clock.Elapsed.TotalSeconds;
                Console.WriteLine($"{design,-16} run {run}: {source.Counters.Transactions,9:N0} transactions, {events,11:N0} events in {seconds,5:F2} s " +
                    $"= {source.Counters.Transactions / seconds / 1000,6:F0} k transactions/s, working set {Environment.WorkingSet >> 20} MB");
            }
        }
    }
}
