using System.Buffers;
using System.Text;

namespace BinderTrace.Export.Parquet;

/// <summary>Type nibbles of the Thrift compact protocol (FORMATS.md §4.2).</summary>
internal enum ThriftType : byte
{
    BooleanTrue = 1,
    BooleanFalse = 2,
    I8 = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
}

/// <summary>
/// Writes Thrift compact protocol structs into a growable buffer: the encoding of every Parquet metadata
/// structure. Fields must be written in ascending id order; each struct remembers its own last field id.
/// </summary>
internal sealed class ThriftCompactWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Stack<short> _lastIds = new();
    private short _lastId;

    public ThriftCompactWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    /// <summary>Starts a new top-level message; throws if a struct was left open.</summary>
    public void Clear()
    {
        if (_lastIds.Count != 0)
        {
            throw new InvalidOperationException("A Thrift struct was left open.");
        }

        _buffer.ResetWrittenCount();
        _lastId = 0;
    }

    /// <summary>Enters a struct (top-level, list element, or after <see cref="FieldStructBegin"/>).</summary>
    public void StructBegin()
    {
        _lastIds.Push(_lastId);
        _lastId = 0;
    }

    /// <summary>Writes the stop byte and returns to the enclosing struct's field numbering.</summary>
    public void StructEnd()
    {
        WriteByte(0);
        _lastId = _lastIds.Pop();
    }

    public void FieldI8(short id, sbyte value)
    {
        FieldHeader(id, ThriftType.I8);
        WriteByte((byte)value);
    }

    public void FieldI16(short id, short value)
    {
        FieldHeader(id, ThriftType.I16);
        WriteVarint(ZigZag(value));
    }

    public void FieldI32(short id, int value)
    {
        FieldHeader(id, ThriftType.I32);
        WriteVarint(ZigZag(value));
    }

    public void FieldI64(short id, long value)
    {
        FieldHeader(id, ThriftType.I64);
        WriteVarint(ZigZag(value));
    }

    /// <summary>A bool field carries its value in the type nibble and has no payload.</summary>
    public void FieldBool(short id, bool value) =>
        FieldHeader(id, value ? ThriftType.BooleanTrue : ThriftType.BooleanFalse);

    public void FieldString(short id, string value)
    {
        FieldHeader(id, ThriftType.Binary);
        WriteString(value);
    }

    /// <summary>Writes a struct field's header and enters the struct; close it with <see cref="StructEnd"/>.</summary>
    public void FieldStructBegin(short id)
    {
        FieldHeader(id, ThriftType.Struct);
        StructBegin();
    }

    /// <summary>A struct field holding an empty struct (e.g. the union members STRING{} or NANOS{}).</summary>
    public void FieldEmptyStruct(short id)
    {
        FieldStructBegin(id);
        StructEnd();
    }

    /// <summary>Writes a list field's header; the elements follow without field headers.</summary>
    public void FieldListBegin(short id, ThriftType elementType, int count)
    {
        FieldHeader(id, ThriftType.List);
        ListHeader(elementType, count);
    }

    public void ElementI32(int value) => WriteVarint(ZigZag(value));

    public void ElementString(string value) => WriteString(value);

    private void ListHeader(ThriftType elementType, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count < 15)
        {
            WriteByte((byte)((count << 4) | (int)elementType));
            return;
        }

        WriteByte((byte)(0xF0 | (int)elementType));
        WriteVarint((uint)count);
    }

    private void FieldHeader(short id, ThriftType type)
    {
        if (id <= _lastId)
        {
            throw new InvalidOperationException($"Thrift field {id} written after field {_lastId}: fields must ascend.");
        }

        var delta = id - _lastId;
        if (delta <= 15)
        {
            WriteByte((byte)((delta << 4) | (int)type));
        }
        else
        {
            WriteByte((byte)type);
            WriteVarint(ZigZag(id));
        }

        _lastId = id;
    }

    private void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((uint)length);
        var span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
