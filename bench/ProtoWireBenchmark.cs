using System.Diagnostics;
using System.IO.Compression;
using BinderTrace.Parsers.Perfetto;
using Google.Protobuf;

namespace BinderTrace.Bench;

/// <summary>
/// The choice behind parsers/Perfetto/ProtoReader: the same schema walk (packets → bundles → events → payload
/// fields, every varint and every byte string read) over a decompressed capture, by our span reader and by
/// Google.Protobuf's CodedInputStream (public API: a nested message through ReadBytes, strings as ByteString). Both run in
/// turns, ROUNDS times each; the median per event is printed with the ratio.
/// </summary>
internal static class ProtoWireBenchmark
{
    public static void Run(string capturePftraceGz, int rounds)
    {
        using var gzip = new GZipStream(File.OpenRead(capturePftraceGz), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        var trace = memory.ToArray();

        var events = WalkSpan(trace).Events;
        if (WalkCoded(trace) != WalkSpan(trace))
        {
            throw new InvalidOperationException("the two walks disagree");
        }

        var span = new List<double>();
        var coded = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            span.Add(Time(() => WalkSpan(trace).Checksum));
            coded.Add(Time(() => WalkCoded(trace).Checksum));
        }

        var spanNs = Median(span) / events;
        var codedNs = Median(coded) / events;
        Console.WriteLine($"{events} events, {trace.Length} bytes, {rounds} rounds (median)");
        Console.WriteLine($"span ProtoReader:              {spanNs,7:F1} ns/event");
        Console.WriteLine($"Google.Protobuf CodedInput:    {codedNs,7:F1} ns/event");
        Console.WriteLine($"CodedInputStream / ProtoReader: {codedNs / spanNs:F2}");
    }

    private static double Time(Func<long> walk)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(walk());
        return clock.Elapsed.TotalNanoseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static (long Events, long Checksum) WalkSpan(byte[] trace)
    {
        var reader = new ProtoReader(trace, 0);
        long events = 0;
        long checksum = 0;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field != 1 || wireType != WireType.LengthDelimited)
            {
                reader.Skip(wireType);
                continue;
            }

            var packet = reader.ReadMessage();
            while (packet.TryReadTag(out var packetField, out var packetWire))
            {
                if (packetField != 1 || packetWire != WireType.LengthDelimited)
                {
                    packet.Skip(packetWire);
                    continue;
                }

                var bundle = packet.ReadMessage();
                while (bundle.TryReadTag(out var bundleField, out var bundleWire))
                {
                    if (bundleField != 2 || bundleWire != WireType.LengthDelimited)
                    {
                        bundle.Skip(bundleWire);
                        continue;
                    }

                    events++;
                    var ftraceEvent = bundle.ReadMessage();
                    while (ftraceEvent.TryReadTag(out var eventField, out var eventWire))
                    {
                        if (eventWire != WireType.LengthDelimited)
                        {
                            checksum += ftraceEvent.ReadInteger(eventWire);
                            continue;
                        }

                        var payload = ftraceEvent.ReadMessage();
                        while (payload.TryReadTag(out _, out var payloadWire))
                        {
                            checksum += payloadWire == WireType.LengthDelimited ? payload.ReadBytes().Length : payload.ReadInteger(payloadWire);
                        }

                        checksum += eventField;
                    }
                }
            }
        }

        return (events, checksum);
    }

    /// <summary>
    /// CodedInputStream keeps its limit stack internal: a nested message is read through its public API as
    /// ReadBytes (a ByteString copy) and a CodedInputStream over it.
    /// </summary>
    private static (long Events, long Checksum) WalkCoded(byte[] trace)
    {
        var input = new CodedInputStream(trace);
        long events = 0;
        long checksum = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag != Tag(1, 2))
            {
                input.SkipLastField();
                continue;
            }

            var packet = input.ReadBytes().CreateCodedInput();
            while ((tag = packet.ReadTag()) != 0)
            {
                if (tag != Tag(1, 2))
                {
                    packet.SkipLastField();
                    continue;
                }

                var bundle = packet.ReadBytes().CreateCodedInput();
                while ((tag = bundle.ReadTag()) != 0)
                {
                    if (tag != Tag(2, 2))
                    {
                        bundle.SkipLastField();
                        continue;
                    }

                    events++;
                    var ftraceEvent = bundle.ReadBytes().CreateCodedInput();
                    while ((tag = ftraceEvent.ReadTag()) != 0)
                    {
                        if ((tag & 7) != 2)
                        {
                            checksum += ReadInteger(ftraceEvent, tag);
                            continue;
                        }

                        var payloadField = (int)(tag >> 3);
                        var payload = ftraceEvent.ReadBytes().CreateCodedInput();
                        while ((tag = payload.ReadTag()) != 0)
                        {
                            checksum += (tag & 7) == 2 ? payload.ReadBytes().Length : ReadInteger(payload, tag);
                        }

                        checksum += payloadField;
                    }
                }
            }
        }

        return (events, checksum);
    }

    private static long ReadInteger(CodedInputStream input, uint tag) => (tag & 7) switch
    {
        0 => (long)input.ReadUInt64(),
        1 => (long)input.ReadFixed64(),
        _ => input.ReadFixed32(),
    };

    private static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);
}
