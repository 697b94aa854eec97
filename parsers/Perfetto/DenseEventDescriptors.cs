using System.Text;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// A dense generic event's layout, from the <c>google.protobuf.DescriptorProto</c> in its bundle's
/// <c>GenericEventDescriptor</c>: the event name and, per proto field number, the kernel field name and type.
/// </summary>
internal sealed class DenseEventDescriptor(string eventName, DenseEventDescriptor.Field[] fieldsByNumber)
{
    /// <summary>FieldDescriptorProto types Perfetto uses for generic fields (FORMATS.md §3.4).</summary>
    public const int TypeInt64 = 3;
    public const int TypeUint64 = 4;
    public const int TypeString = 9;
    public const int TypeBytes = 12;

    public string EventName { get; } = eventName;

    public bool TryGetField(int number, out Field field)
    {
        if ((uint)number < (uint)fieldsByNumber.Length && fieldsByNumber[number].Name is not null)
        {
            field = fieldsByNumber[number];
            return true;
        }

        field = default;
        return false;
    }

    public readonly record struct Field(string Name, int Type);
}

/// <summary>
/// The dense generic event descriptors of the bundle being decoded. Descriptors are per bundle (the same
/// field id can mean another event in another bundle), but a session normally repeats the same bytes in
/// every bundle, so parsed descriptors are kept by field id and reused while their bytes are unchanged.
/// </summary>
internal sealed class DenseEventDescriptors
{
    /// <summary>A field count past this is an error, not an allocation.</summary>
    private const int MaxFieldNumber = 4096;

    private readonly Dictionary<int, (byte[] Bytes, DenseEventDescriptor Descriptor)> _parsed = [];
    private readonly Dictionary<int, DenseEventDescriptor> _inBundle = [];

    public void StartBundle() => _inBundle.Clear();

    public bool TryGet(int fieldId, out DenseEventDescriptor? descriptor) => _inBundle.TryGetValue(fieldId, out descriptor);

    /// <summary>Adds one <c>GenericEventDescriptor { field_id = 1; event_descriptor = 2; group_name = 3 }</c>.</summary>
    public void Add(ProtoReader reader)
    {
        var start = reader.Offset;
        long fieldId = -1;
        var descriptorBytes = ReadOnlySpan<byte>.Empty;
        var descriptorOffset = 0L;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.Varint)
            {
                fieldId = (long)reader.ReadVarint();
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                descriptorOffset = reader.Offset;
                descriptorBytes = reader.ReadBytes();
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        if (fieldId < FtraceEventProtos.FirstDenseGenericId || fieldId > int.MaxValue)
        {
            throw new ProtoWireException(start, $"generic event descriptor with field id {fieldId}, expected one of at least {FtraceEventProtos.FirstDenseGenericId}");
        }

        var id = (int)fieldId;
        if (!_parsed.TryGetValue(id, out var known) || !descriptorBytes.SequenceEqual(known.Bytes))
        {
            known = (descriptorBytes.ToArray(), Parse(new ProtoReader(descriptorBytes, descriptorOffset)));
            _parsed[id] = known;
        }

        _inBundle[id] = known.Descriptor;
    }

    /// <summary>DescriptorProto: <c>name = 1</c>, <c>field = 2</c> → FieldDescriptorProto <c>name = 1, number = 3, type = 5</c>.</summary>
    private static DenseEventDescriptor Parse(ProtoReader reader)
    {
        var start = reader.Offset;
        string? name = null;
        var fields = new List<(int Number, DenseEventDescriptor.Field Field)>();
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                name = Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                fields.Add(ParseField(reader.ReadMessage()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            throw new ProtoWireException(start, "generic event descriptor without an event name");
        }

        var byNumber = new DenseEventDescriptor.Field[fields.Count == 0 ? 0 : fields.Max(f => f.Number) + 1];
        foreach (var (number, f) in fields)
        {
            byNumber[number] = f;
        }

        return new DenseEventDescriptor(name, byNumber);
    }

    private static (int, DenseEventDescriptor.Field) ParseField(ProtoReader reader)
    {
        var start = reader.Offset;
        string? name = null;
        long number = 0;
        var type = 0;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.LengthDelimited:
                    name = Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case 3 when wireType == WireType.Varint:
                    number = (long)reader.ReadVarint();
                    break;
                case 5 when wireType == WireType.Varint:
                    type = (int)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        if (string.IsNullOrEmpty(name) || number < 1 || number > MaxFieldNumber)
        {
            throw new ProtoWireException(start, $"generic event field descriptor without a name or with field number {number} outside 1..{MaxFieldNumber}");
        }

        return ((int)number, new DenseEventDescriptor.Field(name, type));
    }
}
