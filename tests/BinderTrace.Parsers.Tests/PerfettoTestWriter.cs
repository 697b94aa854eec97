using System.IO.Compression;
using System.Text;

namespace BinderTrace.Tests;

/// <summary>
/// Writes protobuf wire format by hand (FORMATS.md §3.1: key = field &lt;&lt; 3 | wire type; varints; LEN
/// fields) so tests build Perfetto traces from the documented field numbers, independently of the reader.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> _bytes = [];

    public ProtoWriter Varint(int field, long value) => Key(field, 0).RawVarint((ulong)value);

    public ProtoWriter Fixed64(int field, ulong value)
    {
        Key(field, 1);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Fixed32(int field, uint value)
    {
        Key(field, 5);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Key(field, 2).RawVarint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>A packed repeated varint field: one LEN field of back-to-back varints.</summary>
    public ProtoWriter Packed(int field, params long[] values)
    {
        var inner = new ProtoWriter();
        foreach (var value in values)
        {
            inner.RawVarint((ulong)value);
        }

        return Bytes(field, inner.ToArray());
    }

    /// <summary>The same repeated field unpacked: one varint field per value.</summary>
    public ProtoWriter Unpacked(int field, params long[] values)
    {
        foreach (var value in values)
        {
            Varint(field, value);
        }

        return this;
    }

    public ProtoWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    private ProtoWriter Key(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    private ProtoWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
        return this;
    }
}

/// <summary>
/// Perfetto messages for tests, by the field numbers of FORMATS.md §3.2–3.5 (Perfetto's trace_packet.proto,
/// ftrace_event_bundle.proto, ftrace_event.proto, generic.proto, process_tree.proto).
/// </summary>
internal static class PerfettoTrace
{
    // TracePacket
    public const int FtraceEvents = 1;
    public const int ProcessTree = 2;
    public const int TrustedPacketSequenceId = 10;
    public const int FtraceStats = 34;
    public const int CompressedPackets = 50;
    public const int ZstdCompressedPackets = 133;

    // FtraceEventBundle
    public const int BundleCpu = 1;
    public const int BundleEvent = 2;
    public const int BundleLostEvents = 3;
    public const int BundleCompactSched = 4;
    public const int BundleGenericEventDescriptors = 11;

    // FtraceEvent
    public const int EventTimestamp = 1;
    public const int EventPid = 2;
    public const int Print = 3;
    public const int SchedSwitch = 4;
    public const int BinderTransactionReceived = 51;
    public const int Generic = 327;
    public const int BinderCommand = 485;

    /// <summary>A whole trace: each packet as <c>0x0A len packet</c>.</summary>
    public static byte[] Of(params byte[][] packets)
    {
        var trace = new ProtoWriter();
        foreach (var packet in packets)
        {
            trace.Bytes(1, packet);
        }

        return trace.ToArray();
    }

    public static byte[] Packet(Action<ProtoWriter> body)
    {
        var packet = new ProtoWriter();
        body(packet);
        return packet.ToArray();
    }

    public static byte[] Bundle(int cpu, Action<ProtoWriter> body) =>
        Packet(p => p.Varint(TrustedPacketSequenceId, 1).Message(FtraceEvents, b =>
        {
            b.Varint(BundleCpu, cpu);
            body(b);
        }));

    /// <summary>An FtraceEvent with timestamp and pid, its payload at <paramref name="payloadField"/>.</summary>
    public static ProtoWriter Event(this ProtoWriter bundle, long timestamp, int pid, int payloadField, Action<ProtoWriter> payload) =>
        bundle.Message(BundleEvent, e => e.Varint(EventTimestamp, timestamp).Varint(EventPid, pid).Message(payloadField, payload));

    /// <summary>
    /// <c>GenericEventDescriptor { field_id = 1; event_descriptor = 2 (DescriptorProto: name = 1, field = 2 →
    /// FieldDescriptorProto name = 1, number = 3, type = 5); group_name = 3 }</c>.
    /// </summary>
    public static ProtoWriter Descriptor(this ProtoWriter bundle, int fieldId, string eventName, params (string Name, int Type)[] fields) =>
        bundle.Message(BundleGenericEventDescriptors, d => d
            .Varint(1, fieldId)
            .Message(2, m =>
            {
                m.String(1, eventName);
                for (var i = 0; i < fields.Length; i++)
                {
                    var (name, type) = fields[i];
                    var number = i + 1;
                    m.Message(2, f => f.String(1, name).Varint(3, number).Varint(5, type));
                }
            })
            .String(3, "binder"));

    public static byte[] Zlib(byte[] data)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }
}
