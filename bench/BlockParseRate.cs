using System.Diagnostics;
using BinderTrace.Events;
using BinderTrace.Parsers;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Bench;

/// <summary>
/// The parse workers' job alone: the first MEGABYTES of a text trace cut into the reader's 512 KiB blocks in
/// memory, then parsed block by block (<see cref="TextBlockParser"/>) on this one thread, several rounds. No reading,
/// no decompression, no re-ordering, no other thread at work: the process's CPU time per event (after a first round
/// that also pays for the JIT) is the parse's cost, steadier than wall time on a busy machine.
/// </summary>
internal static class BlockParseRate
{
    public static void Run(string path, int megabytes, int rounds)
    {
        var blocks = Load(path, (long)megabytes << 20);
        var strings = new Utf8InternTable();
        var names = new Utf8InternTable();
        var parser = new TextBlockParser(new FtraceEventBuilder(strings, names, paddedEventNames: false), ParseOptions.Default.MaxLineBytes);
        var cpu = new List<double>();
        long events = 0;
        long bytes = blocks.Sum(b => (long)b.Length);
        for (var round = 0; round < rounds; round++)
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            events = 0;
            foreach (var block in blocks)
            {
                parser.Parse(block);
                events += block.EventCount;
            }

            cpu.Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - before);
        }

        cpu.Sort();
        var median = cpu[cpu.Count / 2];
        Console.WriteLine($"{path}: {bytes / 1e6:F1} MB, {events} events, {blocks.Count} blocks; CPU per round: min {cpu[0]:F3} s, median {median:F3} s ({median * 1e9 / events:F1} ns/event, {bytes / 1e6 / median:F0} MB/s)");
    }

    private static List<TextBlock> Load(string path, long limit)
    {
        var blocks = new List<TextBlock>();
        using var file = File.OpenRead(path);
        var reader = new LineBlockReader(file, ParseOptions.Default.MaxLineBytes, TextReadSettings.Default.BlockBytes);
        long loaded = 0;
        while (loaded < limit)
        {
            var block = new TextBlock(TextReadSettings.Default.BlockBytes);
            reader.Fill(block);
            if (block.Kind != TextBlockKind.Lines)
            {
                break;
            }

            loaded += block.Length;
            blocks.Add(block);
        }

        return blocks;
    }
}
