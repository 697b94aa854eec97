using System.Diagnostics;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Bench;

/// <summary>
/// The analysis alone, without the parser: the first events of a trace are held in memory and handed to a
/// <see cref="TraceAnalyzer"/> in 4,096-event batches (as the pass does), with and without the phase breakdown
/// that <c>report</c> asks for, in turns. Prints the CPU nanoseconds per event of each, median and best of the rounds
/// (the best is the steadiest figure on a busy machine), and the breakdown's cost as a ratio.
/// </summary>
internal static class AnalysisRate
{
    private const int BatchSize = 4096;

    public static void Run(string path, int maxEvents, int rounds)
    {
        var (events, info) = Load(path, maxEvents);
        var ways = new (string Name, AnalysisOptions Options)[]
        {
            ("whole trace", new AnalysisOptions()),
            ("whole trace + phases", new AnalysisOptions { PhaseBreakdown = true }),
        };
        var nsPerEvent = new List<double>[ways.Length];
        for (var i = 0; i < ways.Length; i++)
        {
            nsPerEvent[i] = [];
        }

        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < ways.Length; i++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                Analyze(events, info, ways[i].Options);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                nsPerEvent[i].Add(cpu.TotalNanoseconds / events.Length);
            }
        }

        Console.WriteLine($"{path}: analysis of the first {events.Length} events in memory, {rounds} rounds taken in turns (the first includes the JIT)");
        for (var i = 0; i < ways.Length; i++)
        {
            Console.WriteLine($"  {ways[i].Name,-22} median {Median(nsPerEvent[i]),6:F1} ns/event  best {nsPerEvent[i].Min(),6:F1} ns/event");
        }

        Console.WriteLine($"  phases cost, best to best: {nsPerEvent[1].Min() / nsPerEvent[0].Min():F2}x the whole trace's analysis alone");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static (TraceEvent[] Events, TraceSourceInfo Info) Load(string path, int maxEvents)
    {
        using var source = TraceReader.Open(path, ParseOptions.Default);
        var events = new List<TraceEvent>();
        while (events.Count < maxEvents && source.TryRead(out var e))
        {
            events.Add(e);
        }

        return (events.ToArray(), source.Info);
    }

    private static void Analyze(TraceEvent[] events, TraceSourceInfo info, AnalysisOptions options)
    {
        var analyzer = new TraceAnalyzer(options);
        for (var start = 0; start < events.Length; start += BatchSize)
        {
            analyzer.OnEvents(events.AsSpan(start, Math.Min(BatchSize, events.Length - start)));
        }

        analyzer.OnEnd(info, new TraceDiagnostics());
    }
}
