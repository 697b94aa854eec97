using System.Diagnostics;
using BinderTrace.Events;
using BinderTrace.Export.Parquet;
using BinderTrace.Export.Tables;
using BinderTrace.Parsers;

namespace BinderTrace.Bench;

/// <summary>
/// The events table alone, without the parser: the first events of a trace are held in memory and written as
/// <c>export</c> writes them (the events table's columns, ZSTD, the default row groups and pages, 4,096-event batches)
/// to a stream that only counts bytes, with ZSTD from libzstd and from ZstdSharp in turns. Prints the CPU nanoseconds per
/// event, median and best of the rounds, and the bytes written, so an encoding change can be measured apart from parsing.
/// </summary>
internal static class EventsTableRate
{
    private const int BatchSize = 4096;

    public static void Run(string path, int maxEvents, int rounds)
    {
        var events = Load(path, maxEvents);
        var ways = new (string Name, bool ManagedZstd)[] { ("zstd: libzstd", false), ("zstd: ZstdSharp", true) };
        var nsPerEvent = ways.Select(_ => new List<double>()).ToArray();
        var bytes = new long[ways.Length];
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < ways.Length; i++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                bytes[i] = Write(events, ways[i].ManagedZstd);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                nsPerEvent[i].Add(cpu.TotalNanoseconds / events.Length);
            }
        }

        Console.WriteLine($"{path}: events table of the first {events.Length} events in memory, {rounds} rounds taken in turns (the first includes the JIT)");
        for (var i = 0; i < ways.Length; i++)
        {
            var sorted = nsPerEvent[i].Order().ToList();
            Console.WriteLine($"  {ways[i].Name,-16} median {sorted[sorted.Count / 2],6:F1} ns/event  best {sorted[0],6:F1} ns/event  {bytes[i]} bytes");
        }
    }

    private static TraceEvent[] Load(string path, int maxEvents)
    {
        using var source = TraceReader.Open(path, ParseOptions.Default);
        var events = new List<TraceEvent>();
        while (events.Count < maxEvents && source.TryRead(out var e))
        {
            events.Add(e);
        }

        return events.ToArray();
    }

    private static long Write(TraceEvent[] events, bool managedZstd)
    {
        var labels = new TraceLabels { Source = "bench", Kernel = "6.12" };
        var table = labels.AddColumns(EventsTable.Define(), includeSource: true, includeKernel: true);
        using var output = new CountingStream();
        using var writer = new ParquetTableWriter<TraceEvent>(table, output, new ParquetWriterOptions { Compression = ParquetCompression.Zstd, ManagedZstd = managedZstd });
        for (var start = 0; start < events.Length; start += BatchSize)
        {
            writer.Append(events.AsSpan(start, Math.Min(BatchSize, events.Length - start)));
        }

        writer.Complete();
        return output.Length;
    }

    /// <summary>A write-only stream that keeps no bytes, only their count.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
