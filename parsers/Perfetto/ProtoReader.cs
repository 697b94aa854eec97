using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>Protobuf wire types (FORMATS.md §3.1). Groups (3, 4) are obsolete and rejected.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>A protobuf record that cannot be decoded; <see cref="Offset"/> is the byte offset in the enclosing packet stream.</summary>
internal sealed class ProtoWireException(long offset, string problem, bool cutOff = false) : Exception(problem)
{
    public long Offset { get; } = offset;

    public string Problem { get; } = problem;

    /// <summary>The bytes ended inside a value (as opposed to bytes that are not protobuf).</summary>
    public bool CutOff { get; } = cutOff;
}

/// <summary>
/// Reads protobuf wire format from a span without allocating: tags, varints, fixed values and nested
/// messages as sub-readers. Knows no schema; callers switch on field numbers. <see cref="BaseOffset"/> is
/// where the span starts in the whole input, so every error names an absolute byte offset.
/// </summary>
/// <remarks>
/// Chosen over Google.Protobuf's CodedInputStream after measuring both over the same trace (README,
/// "Reading Perfetto traces"): CodedInputStream allocates a ByteString per length-delimited field and
/// needs a byte[] per message.
/// </remarks>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data, long baseOffset)
    {
        _data = data;
        BaseOffset = baseOffset;
    }

    public long BaseOffset { get; }

    public readonly int Position => _position;

    /// <summary>Absolute offset of the next byte.</summary>
    public readonly long Offset => BaseOffset + _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>The next field's number and wire type, or false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var start = _position;
        var key = ReadVarint();
        var type = (int)(key & 7);
        var number = key >> 3;
        if (number == 0 || number > int.MaxValue || type is 3 or 4 or 6 or 7)
        {
            throw new ProtoWireException(BaseOffset + start, $"invalid protobuf key 0x{key:x} (field {number}, wire type {type})");
        }

        field = (int)number;
        wireType = (WireType)type;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        var data = _data;
        var position = _position;
        if ((uint)position < (uint)data.Length && data[position] < 0x80)
        {
            _position = position + 1;
            return data[position];
        }

        return ReadVarintSlow();
    }

    public ulong ReadFixed64()
    {
        Require(8, "fixed64");
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        Require(4, "fixed32");
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>The payload of a length-delimited field (the position moves past it).</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var lengthAt = _position;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtoWireException(BaseOffset + lengthAt,
                $"length-delimited field of {length} bytes runs past the end of its message ({_data.Length - _position} bytes left)", cutOff: true);
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>A reader over a nested message, with its absolute offset.</summary>
    public ProtoReader ReadMessage()
    {
        var bytes = ReadBytes();
        return new ProtoReader(bytes, BaseOffset + _position - bytes.Length);
    }

    /// <summary>Reads a varint field, or a fixed one as its integer value (a writer may choose either for an unknown field).</summary>
    public long ReadInteger(WireType wireType) => wireType switch
    {
        WireType.Varint => (long)ReadVarint(),
        WireType.Fixed64 => (long)ReadFixed64(),
        WireType.Fixed32 => ReadFixed32(),
        _ => throw new ProtoWireException(Offset, "expected an integer, found a length-delimited field"),
    };

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Require(8, "fixed64");
                _position += 8;
                break;
            case WireType.Fixed32:
                Require(4, "fixed32");
                _position += 4;
                break;
            default:
                ReadBytes();
                break;
        }
    }

    private ulong ReadVarintSlow()
    {
        var start = _position;
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtoWireException(BaseOffset + start, "varint cut off by the end of its message", cutOff: true);
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new ProtoWireException(BaseOffset + start, "varint longer than 10 bytes");
    }

    private readonly void Require(int count, string what)
    {
        if (_data.Length - _position < count)
        {
            throw new ProtoWireException(BaseOffset + _position, $"{what} value cut off by the end of its message", cutOff: true);
        }
    }
}
