using System.Diagnostics;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Bench;

/// <summary>Parsing alone: drains a trace through <see cref="TraceReader"/> and prints events, CPU seconds and events per CPU second.</summary>
internal static class ReadRate
{
    public static void Run(string path)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long events = 0;
        using (var source = TraceReader.Open(path, ParseOptions.Default))
        {
            while (source.TryRead(out _))
            {
                events++;
            }
        }

        var seconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"{path}: {events} events, {wall.Elapsed.TotalSeconds:F2} s wall, {seconds:F2} s CPU, {events / seconds:F0} events per CPU second");
    }
}
