using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BinderTrace.Export.Parquet;

/// <summary>INT32, INT64 (incl. timestamps and unsigned annotations) and DOUBLE values, PLAIN-encoded little-endian.</summary>
internal sealed class FixedWidthColumnBuffer<T> : ColumnBuffer, IValueBuffer<T>
    where T : unmanaged
{
    private T[] _values = new T[1024];
    private int _count;

    public FixedWidthColumnBuffer(ParquetColumn column)
        : base(column)
    {
    }

    protected override long ValueBytes => (long)_count * Marshal.SizeOf<T>();

    public void Append(T value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
        AddPresent();
    }

    public override void Reset()
    {
        base.Reset();
        _count = 0;
    }

    protected override void WriteValues(int start, int count, PageBodyBuffer body)
    {
        var bytes = MemoryMarshal.AsBytes(_values.AsSpan(start, count));
        if (BitConverter.IsLittleEndian)
        {
            body.Write(bytes);
            return;
        }

        var size = Marshal.SizeOf<T>();
        var target = body.GetSpan(bytes.Length);
        for (var i = 0; i < bytes.Length; i += size)
        {
            for (var b = 0; b < size; b++)
            {
                target[i + b] = bytes[i + size - 1 - b];
            }
        }

        body.Advance(bytes.Length);
    }
}

/// <summary>BOOLEAN values, PLAIN-encoded: bit-packed LSB first, zero-padded to a whole byte.</summary>
internal sealed class BooleanColumnBuffer : ColumnBuffer, IValueBuffer<bool>
{
    private bool[] _values = new bool[1024];
    private int _count;

    public BooleanColumnBuffer(ParquetColumn column)
        : base(column)
    {
    }

    protected override long ValueBytes => _count;

    public void Append(bool value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
        AddPresent();
    }

    public override void Reset()
    {
        base.Reset();
        _count = 0;
    }

    protected override void WriteValues(int start, int count, PageBodyBuffer body)
    {
        var byteCount = (count + 7) / 8;
        var target = body.GetSpan(byteCount)[..byteCount];
        target.Clear();
        for (var i = 0; i < count; i++)
        {
            if (_values[start + i])
            {
                target[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        body.Advance(byteCount);
    }
}

/// <summary>Little-endian helpers shared by the PLAIN encoders.</summary>
internal static class PlainEncoding
{
    /// <summary>PLAIN BYTE_ARRAY: u32 LE length then the bytes.</summary>
    public static void WriteByteArray(ReadOnlySpan<byte> value, PageBodyBuffer body)
    {
        var span = body.GetSpan(4 + value.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
        value.CopyTo(span[4..]);
        body.Advance(4 + value.Length);
    }
}
