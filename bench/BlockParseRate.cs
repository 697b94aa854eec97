using System.Diagnostics;
using BinderTrace.Events;
using BinderTrace.Parsers;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Bench;

/// <summary>
/// The parse workers' job alone: the first MEGABYTES of a text trace cut into the reader's 512 KiB blocks in
/// memory, then parsed block by block on this one thread, several rounds. No reading, no decompression, no
/// re-ordering, no other thread at work: the process's CPU time per round (the median; the first round also pays
/// for the JIT) is the parse's cost, steadier than wall time on a busy machine. STAGE stops each line early to
/// show where the time goes: <c>split</c> (newlines only), <c>tokenize</c> (+ the context prefix),
/// <c>intern</c> (+ comm and event name strings), <c>full</c> (<see cref="TextBlockParser"/>, the default).
/// </summary>
internal static class BlockParseRate
{
    public static void Run(string path, int megabytes, int rounds, string stage)
    {
        if (stage is not ("split" or "tokenize" or "intern" or "full"))
        {
            throw new ArgumentException($"unknown stage '{stage}': split, tokenize, intern or full", nameof(stage));
        }

        var blocks = Load(path, (long)megabytes << 20);
        var strings = new Utf8InternTable();
        var names = new Utf8InternTable();
        var parser = new TextBlockParser(new FtraceEventBuilder(strings, names, paddedEventNames: false), ParseOptions.Default.MaxLineBytes);
        var cpu = new List<double>();
        long lines = 0;
        var bytes = blocks.Sum(b => (long)b.Length);
        for (var round = 0; round < rounds; round++)
        {
            var before = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            lines = 0;
            foreach (var block in blocks)
            {
                if (stage == "full")
                {
                    parser.Parse(block);
                    lines += block.LineCount;
                }
                else
                {
                    lines += Stop(block, stage, strings, names);
                }
            }

            cpu.Add(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - before);
        }

        cpu.Sort();
        var median = cpu[cpu.Count / 2];
        Console.WriteLine(
            $"{path}: {bytes / 1e6:F1} MB, {lines} lines, {blocks.Count} blocks, stage {stage}; CPU per round: min {cpu[0]:F3} s, "
            + $"median {median:F3} s ({median * 1e9 / lines:F1} ns/line, {bytes / 1e6 / median:F0} MB/s)");
    }

    /// <summary>Each line of <paramref name="block"/> taken as far as <paramref name="stage"/>; returns the lines.</summary>
    private static long Stop(TextBlock block, string stage, Utf8InternTable strings, Utf8InternTable names)
    {
        var text = block.Buffer.AsSpan(0, block.Length);
        var start = 0;
        long lines = 0;
        var kept = 0;
        while (start < text.Length)
        {
            var length = text[start..].IndexOf((byte)'\n');
            var line = text.Slice(start, length);
            start += length + 1;
            lines++;
            if (stage == "split" || line.IsEmpty || line[0] == (byte)'#' || !EventLineTokenizer.TryParse(line, out var parsed))
            {
                continue;
            }

            kept += parsed.NameLength;
            if (stage == "intern")
            {
                var name = names.Intern(line.Slice(parsed.NameStart, parsed.NameLength), out var tag);
                kept += tag + name.Length + strings.Intern(line.Slice(parsed.CommStart, parsed.CommLength)).Length;
            }
        }

        // What the stage computed is used, so the JIT cannot drop it.
        return kept < 0 ? 0 : lines;
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
