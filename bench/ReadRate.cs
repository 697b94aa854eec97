using System.Diagnostics;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Bench;

/// <summary>
/// Parsing alone: drains a trace through <see cref="TraceReader"/> and prints events, wall and CPU seconds. Text is
/// read four ways, in turns: single-threaded and on worker threads, each through <c>ReadBatch</c> and through
/// <c>TryRead</c>, so the ratios come from one run on one (possibly busy) machine.
/// </summary>
internal static class ReadRate
{
    public static void Run(string path, int rounds)
    {
        var ways = new (string Name, TextReadSettings Settings, bool Batches)[]
        {
            ("single-threaded, TryRead", TextReadSettings.SingleThreaded, false),
            ("single-threaded, ReadBatch", TextReadSettings.SingleThreaded, true),
            ($"{TextReadSettings.Default.Workers} workers, TryRead", TextReadSettings.Default, false),
            ($"{TextReadSettings.Default.Workers} workers, ReadBatch", TextReadSettings.Default, true),
        };
        var wall = new List<double>[ways.Length];
        var cpu = new List<double>[ways.Length];
        long events = 0;
        for (var i = 0; i < ways.Length; i++)
        {
            wall[i] = [];
            cpu[i] = [];
        }

        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < ways.Length; i++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                events = Drain(path, ways[i].Settings, ways[i].Batches);
                wall[i].Add(clock.Elapsed.TotalSeconds);
                cpu[i].Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
            }
        }

        var megabytes = new FileInfo(path).Length / 1e6;
        Console.WriteLine($"{path}: {events} events, {megabytes:F1} MB, median of {rounds} rounds taken in turns");
        for (var i = 0; i < ways.Length; i++)
        {
            var seconds = Median(wall[i]);
            Console.WriteLine($"  {ways[i].Name,-28} {seconds,6:F2} s wall {megabytes / seconds,7:F0} MB/s  {Median(cpu[i]),6:F2} s CPU  wall ratio to the first {seconds / Median(wall[0]),5:F2}");
        }
    }

    private static long Drain(string path, TextReadSettings settings, bool batches)
    {
        long events = 0;
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var source = TraceReader.IsTraceDat(path) ? TraceReader.Open(file, path, ParseOptions.Default) : TraceReader.Open(file, path, ParseOptions.Default, settings);
        if (batches && source is ITraceEventBatchSource batchSource)
        {
            for (var batch = batchSource.ReadBatch(); !batch.IsEmpty; batch = batchSource.ReadBatch())
            {
                events += batch.Length;
            }

            return events;
        }

        while (source.TryRead(out _))
        {
            events++;
        }

        return events;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
