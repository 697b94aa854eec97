using System.IO.Compression;

namespace BinderTrace.Bench;

/// <summary>
/// Builds a large Perfetto trace by repeating a real capture's packets with every ftrace timestamp shifted past
/// the previous copy (FtraceEvent.timestamp = 1, the first, absolute entry of compact_sched's
/// switch_timestamp = 1 and waking_timestamp = 7, the bundle's previous_bundle_end_timestamp = 10; FORMATS.md
/// §3.3–3.4). Packets other than ftrace bundles (process_tree, stats) are written once. Written from the
/// documented field numbers, independently of the reader it measures; never committed (bench/data/).
/// </summary>
internal static class PerfettoBenchmarkTraceBuilder
{
    public static void Build(string capturePftraceGz, string outputPath, long targetBytes)
    {
        var packets = ReadPackets(capturePftraceGz);
        var (first, last) = TimestampRange(packets);
        var period = last - first + 1_000_000; // one millisecond of quiet between copies

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (var copy = 0L; output.Length < targetBytes; copy++)
        {
            foreach (var packet in packets)
            {
                var isBundle = Fields(packet).Any(f => f.Number == 1);
                if (!isBundle && copy > 0)
                {
                    continue;
                }

                WriteLengthDelimited(output, 1, isBundle ? ShiftPacket(packet, copy * period) : packet);
            }
        }
    }

    private static List<byte[]> ReadPackets(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var all = new MemoryStream();
        gzip.CopyTo(all);
        return Fields(all.ToArray()).Where(f => f.Number == 1 && f.WireType == 2).Select(f => f.Bytes).ToList();
    }

    private static (long First, long Last) TimestampRange(List<byte[]> packets)
    {
        var first = long.MaxValue;
        var last = long.MinValue;
        foreach (var bundle in packets.SelectMany(p => Fields(p)).Where(f => f.Number == 1).Select(f => f.Bytes))
        {
            foreach (var ftraceEvent in Fields(bundle).Where(f => f.Number == 2).Select(f => f.Bytes))
            {
                var timestamp = (long)Fields(ftraceEvent).First(f => f.Number == 1).Value;
                first = Math.Min(first, timestamp);
                last = Math.Max(last, timestamp);
            }
        }

        return (first, last);
    }

    private static byte[] ShiftPacket(byte[] packet, long shift) =>
        Rewrite(packet, f => f.Number == 1 ? Rewrite(f.Bytes, b => b.Number switch
        {
            2 => Rewrite(b.Bytes, e => null, e => e.Number == 1 ? e.Value + (ulong)shift : null),
            4 => Rewrite(b.Bytes, c => c.Number is 1 or 7 ? ShiftFirstPacked(c.Bytes, shift) : null, _ => null),
            _ => null,
        }, b => b.Number == 10 ? b.Value + (ulong)shift : null) : null, _ => null);

    private static byte[] ShiftFirstPacked(byte[] packed, long shift)
    {
        var position = 0;
        var values = new List<ulong>();
        while (position < packed.Length)
        {
            values.Add(ReadVarint(packed, ref position));
        }

        values[0] += (ulong)shift;
        var output = new MemoryStream();
        values.ForEach(v => WriteVarint(output, v));
        return output.ToArray();
    }

    /// <summary>Copies a message, replacing the LEN fields and varint fields for which the callbacks return a value.</summary>
    private static byte[] Rewrite(byte[] message, Func<Field, byte[]?> lengthDelimited, Func<Field, ulong?>? varint = null)
    {
        var output = new MemoryStream(message.Length + 16);
        foreach (var field in Fields(message))
        {
            switch (field.WireType)
            {
                case 0:
                    WriteVarint(output, ((ulong)field.Number << 3) | 0);
                    WriteVarint(output, varint?.Invoke(field) ?? field.Value);
                    break;
                case 2:
                    WriteLengthDelimited(output, field.Number, lengthDelimited(field) ?? field.Bytes);
                    break;
                default:
                    WriteVarint(output, ((ulong)field.Number << 3) | (uint)field.WireType);
                    output.Write(field.Bytes);
                    break;
            }
        }

        return output.ToArray();
    }

    private static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    yield return new Field(number, 0, ReadVarint(message, ref position), []);
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, 2, 0, message[position..(position + length)]);
                    position += length;
                    break;
                case 1 or 5:
                    var size = wireType == 1 ? 8 : 4;
                    yield return new Field(number, wireType, 0, message[position..(position + size)]);
                    position += size;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wireType} in the capture");
            }
        }
    }

    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }

    private static void WriteLengthDelimited(Stream output, int number, byte[] bytes)
    {
        WriteVarint(output, ((ulong)number << 3) | 2);
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private readonly record struct Field(int Number, int WireType, ulong Value, byte[] Bytes);
}
