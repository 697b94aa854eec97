using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>
/// The field values of one binary record, decoded by its event's format (FORMATS.md §2.8): scalars by offset,
/// size and sign in the file's byte order, fixed char arrays up to their NUL, <c>__data_loc</c> and
/// <c>__rel_loc</c> data, and <c>char buf[]</c> as the rest of the record. A field that lies outside the
/// record is absent, so a damaged record gives a malformed (generic) event, never a crash.
/// </summary>
internal sealed class RecordFields : INamedFieldValues
{
    private readonly bool _bigEndian;
    private readonly Utf8InternTable _strings;
    private byte[] _data = [];
    private int _start;
    private int _length;
    private EventFormat? _format;

    public RecordFields(bool bigEndian, Utf8InternTable strings)
    {
        _bigEndian = bigEndian;
        _strings = strings;
    }

    public void Reset(byte[] data, int start, int length, EventFormat format)
    {
        _data = data;
        _start = start;
        _length = length;
        _format = format;
    }

    public bool TryGetInteger(string fieldName, out long value)
    {
        var field = _format!.Find(fieldName);
        value = 0;
        return field is { Encoding: FieldEncoding.Scalar } && TryReadScalar(field, out value);
    }

    public bool TryGetString(string fieldName, out string? value)
    {
        var field = _format!.Find(fieldName);
        value = null;
        if (field is null || !field.IsText || !TryGetBytes(field, out var bytes))
        {
            return false;
        }

        var nul = bytes.IndexOf((byte)0);
        value = _strings.Intern(nul < 0 ? bytes : bytes[..nul], out _);
        return true;
    }

    public bool TryReadScalar(FieldLayout field, out long value)
    {
        value = 0;
        if (field.Offset + field.Size > _length)
        {
            return false;
        }

        var bytes = _data.AsSpan(_start + field.Offset, field.Size);
        value = field.Size switch
        {
            1 => field.Signed ? (sbyte)bytes[0] : bytes[0],
            2 => field.Signed ? (short)U16(bytes) : U16(bytes),
            4 => field.Signed ? (int)U32(bytes) : U32(bytes),
            _ => (long)(_bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
        };
        return true;
    }

    /// <summary>The bytes of an array or dynamic field (strings still carry their NULs).</summary>
    public bool TryGetBytes(FieldLayout field, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        int offset, length;
        switch (field.Encoding)
        {
            case FieldEncoding.FixedArray:
                (offset, length) = (field.Offset, field.Size);
                break;
            case FieldEncoding.RestOfRecord:
                (offset, length) = (field.Offset, Math.Max(0, _length - field.Offset));
                break;
            case FieldEncoding.DataLoc or FieldEncoding.RelLoc:
                if (field.Offset + field.Size > _length || field.Size is not (2 or 4))
                {
                    return false;
                }

                var location = _data.AsSpan(_start + field.Offset, field.Size);
                if (field.Size == 2)
                {
                    // Very old kernels: a u16 offset, the data running to the end of the record.
                    offset = U16(location);
                    length = Math.Max(0, _length - offset);
                }
                else
                {
                    var word = U32(location);
                    (offset, length) = ((int)(word & 0xFFFF), (int)(word >> 16));
                }

                if (field.Encoding == FieldEncoding.RelLoc)
                {
                    offset += field.Offset + field.Size;
                }

                break;
            default:
                return false;
        }

        if (offset < 0 || offset + length > _length)
        {
            return false;
        }

        bytes = _data.AsSpan(_start + offset, length);
        return true;
    }

    /// <summary>"name=value name=value …" of the event's own fields, for events kept as generic.</summary>
    public string RenderPayload()
    {
        var text = new StringBuilder();
        foreach (var field in _format!.Fields)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(field.Name).Append('=');
            if (field.Encoding == FieldEncoding.Scalar)
            {
                if (!TryReadScalar(field, out var value))
                {
                    text.Append('?');
                }
                else if (field.IsPointer)
                {
                    text.Append("0x").Append(((ulong)value).ToString("x", CultureInfo.InvariantCulture));
                }
                else if (!field.Signed && field.Size == 8)
                {
                    text.Append((ulong)value);
                }
                else
                {
                    text.Append(value);
                }
            }
            else if (!TryGetBytes(field, out var bytes))
            {
                text.Append('?');
            }
            else if (field.IsText)
            {
                var nul = bytes.IndexOf((byte)0);
                text.Append(Encoding.UTF8.GetString(nul < 0 ? bytes : bytes[..nul]));
            }
            else
            {
                text.Append("0x").Append(Convert.ToHexStringLower(bytes));
            }
        }

        return text.ToString();
    }

    private ushort U16(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

    private uint U32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
