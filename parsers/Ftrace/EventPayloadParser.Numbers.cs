namespace BinderTrace.Parsers;

/// <summary>The events whose payload is only labelled numbers, read through one table-driven loop.</summary>
internal static partial class EventPayloadParser
{
    private static readonly NumericField[] PageFields = [new("proc"u8.ToArray(), NumberKind.Int32), new("page_index"u8.ToArray(), NumberKind.Int64)];

    private static readonly NumericField[] PageRangeFields =
    [
        new("proc"u8.ToArray(), NumberKind.Int32), new("allocate"u8.ToArray(), NumberKind.Int64),
        new("offset"u8.ToArray(), NumberKind.UInt64), new("size"u8.ToArray(), NumberKind.UInt64),
    ];

    private static readonly NumericField[] TransactionFields =
    [
        new("transaction"u8.ToArray(), NumberKind.Int32), new("dest_node"u8.ToArray(), NumberKind.Int32),
        new("dest_proc"u8.ToArray(), NumberKind.Int32), new("dest_thread"u8.ToArray(), NumberKind.Int32),
        new("reply"u8.ToArray(), NumberKind.Int32), new("flags"u8.ToArray(), NumberKind.UInt32),
        new("code"u8.ToArray(), NumberKind.UInt32),
    ];

    private static readonly NumericField[] BufferFields =
    [
        new("transaction"u8.ToArray(), NumberKind.Int32), new("data_size"u8.ToArray(), NumberKind.Int64),
        new("offsets_size"u8.ToArray(), NumberKind.Int64), new("extra_buffers_size"u8.ToArray(), NumberKind.Int64),
    ];

    private static readonly NumericField[] IoctlFields = [new("cmd"u8.ToArray(), NumberKind.UInt32), new("arg"u8.ToArray(), NumberKind.UInt64)];

    private static readonly NumericField[] WaitForWorkFields =
    [
        new("proc_work"u8.ToArray(), NumberKind.Int32), new("transaction_stack"u8.ToArray(), NumberKind.Int32),
        new("thread_todo"u8.ToArray(), NumberKind.Int32),
    ];

    private enum NumberKind : byte
    {
        Int32,
        Int64,
        UInt32,
        UInt64,
    }

    /// <summary>
    /// Reads every field of <paramref name="fields"/> by its label, in any order and ignoring other fields, into
    /// <paramref name="values"/> (unsigned values keep their bits). False when one is missing or does not parse.
    /// </summary>
    private static bool TryReadNumbers(ReadOnlySpan<byte> payload, ReadOnlySpan<NumericField> fields, Span<long> values)
    {
        var seen = 0;
        var unparsable = false;
        var reader = new PayloadFieldReader(payload);
        while (reader.MoveNext())
        {
            var label = reader.Label;
            for (var i = 0; i < fields.Length; i++)
            {
                if (label.SequenceEqual(fields[i].Label))
                {
                    if (TryParseNumber(reader.Value, fields[i].Kind, out values[i]))
                    {
                        seen |= 1 << i;
                    }
                    else
                    {
                        unparsable = true;
                    }

                    break;
                }
            }
        }

        return !unparsable && seen == (1 << fields.Length) - 1;
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> text, NumberKind kind, out long value)
    {
        bool ok;
        switch (kind)
        {
            case NumberKind.Int32:
                ok = AsciiNumbers.TryParseInt32(text, out var i32);
                value = i32;
                break;
            case NumberKind.Int64:
                ok = AsciiNumbers.TryParseInt64(text, out value);
                break;
            case NumberKind.UInt32:
                ok = AsciiNumbers.TryParseUInt32(text, out var u32);
                value = u32;
                break;
            default:
                ok = AsciiNumbers.TryParseUInt64(text, out var u64);
                value = unchecked((long)u64);
                break;
        }

        return ok;
    }

    /// <summary>One required numeric field of a printk format, found by its label.</summary>
    private readonly record struct NumericField(byte[] Label, NumberKind Kind);
}
