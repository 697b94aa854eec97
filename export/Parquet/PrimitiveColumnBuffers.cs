using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// Present values of one unmanaged type, in row order, for the page being built. Appending is not virtual,
/// so the table layer's per-value loops stay tight.
/// </summary>
internal abstract class ValueColumnBuffer<T> : ColumnBuffer
    where T : unmanaged
{
    private T[] _values = new T[1024];
    private int _count;

    protected ValueColumnBuffer(ParquetColumn column)
        : base(column)
    {
    }

    protected override long ValueBytes => (long)_count * Unsafe.SizeOf<T>();

    /// <summary>Stores the value of row <paramref name="row"/>; rows skipped since the last value are nulls.</summary>
    public void AppendAt(int row, T value)
    {
        MarkPresent(row);
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
    }

    /// <summary>Room for the values of rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="count"/>), which the caller fills.</summary>
    public Span<T> AppendAll(int firstRow, int count)
    {
        MarkPresent(firstRow, count);
        if (_count + count > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_count + count, _values.Length * 2));
        }

        var room = _values.AsSpan(_count, count);
        _count += count;
        return room;
    }

    /// <summary>Room for the values of the rows <paramref name="firstRow"/> + each of <paramref name="offsets"/> (ascending), which the caller fills in that order.</summary>
    public Span<T> AppendAt(int firstRow, ReadOnlySpan<int> offsets)
    {
        MarkPresent(firstRow, offsets);
        if (_count + offsets.Length > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_count + offsets.Length, _values.Length * 2));
        }

        var room = _values.AsSpan(_count, offsets.Length);
        _count += offsets.Length;
        return room;
    }

    protected override void ResetPage()
    {
        base.ResetPage();
        _count = 0;
    }

    protected ReadOnlySpan<T> Values(int count) => _values.AsSpan(0, count);
}

/// <summary>INT32, INT64 (incl. timestamps and unsigned annotations) and DOUBLE values, PLAIN-encoded little-endian.</summary>
internal sealed class FixedWidthColumnBuffer<T> : ValueColumnBuffer<T>
    where T : unmanaged
{
    public FixedWidthColumnBuffer(ParquetColumn column)
        : base(column)
    {
    }

    protected override ParquetEncoding WriteValues(int count, PageBodyBuffer body)
    {
        PlainEncoding.WriteFixedWidth(Values(count), body);
        return ParquetEncoding.Plain;
    }
}

/// <summary>INT64 values (timestamps), DELTA_BINARY_PACKED: each page's values are encoded on their own.</summary>
internal sealed class DeltaColumnBuffer : ValueColumnBuffer<long>
{
    public DeltaColumnBuffer(ParquetColumn column)
        : base(column)
    {
    }

    protected override ParquetEncoding WriteValues(int count, PageBodyBuffer body)
    {
        DeltaBinaryPackedEncoder.Encode(Values(count), body);
        return ParquetEncoding.DeltaBinaryPacked;
    }
}

/// <summary>BOOLEAN values, PLAIN-encoded: bit-packed LSB first, zero-padded to a whole byte.</summary>
internal sealed class BooleanColumnBuffer : ValueColumnBuffer<bool>
{
    public BooleanColumnBuffer(ParquetColumn column)
        : base(column)
    {
    }

    protected override ParquetEncoding WriteValues(int count, PageBodyBuffer body)
    {
        var values = Values(count);
        var byteCount = (count + 7) / 8;
        var target = body.GetSpan(byteCount)[..byteCount];
        target.Clear();
        for (var i = 0; i < count; i++)
        {
            if (values[i])
            {
                target[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        body.Advance(byteCount);
        return ParquetEncoding.Plain;
    }
}

/// <summary>Little-endian helpers shared by the PLAIN encoders.</summary>
internal static class PlainEncoding
{
    /// <summary>PLAIN INT32, INT64 and DOUBLE: the values little-endian, back to back.</summary>
    public static void WriteFixedWidth<T>(ReadOnlySpan<T> values, PageBodyBuffer body)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        if (BitConverter.IsLittleEndian)
        {
            body.Write(bytes);
            return;
        }

        var size = Unsafe.SizeOf<T>();
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

    /// <summary>PLAIN BYTE_ARRAY: u32 LE length then the bytes.</summary>
    public static void WriteByteArray(ReadOnlySpan<byte> value, PageBodyBuffer body)
    {
        var span = body.GetSpan(4 + value.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
        value.CopyTo(span[4..]);
        body.Advance(4 + value.Length);
    }
}
