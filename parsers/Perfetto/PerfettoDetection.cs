namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Recognises a Perfetto trace by content: a serialized <c>Trace</c> starts with <c>0x0A</c> (packet = 1,
/// length-delimited) and every key and length in the bytes at hand is valid protobuf. ftrace text can start
/// with a newline (also 0x0A), so the bytes must also hold a control character that text never contains.
/// </summary>
internal static class PerfettoDetection
{
    public static bool LooksLikePerfetto(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < 2 || prefix[0] != 0x0A || !HasBinaryByte(prefix))
        {
            return false;
        }

        var offset = 0;
        while (offset < prefix.Length)
        {
            var trace = new ProtoReader(prefix[offset..], 0);
            ulong length;
            try
            {
                if (!trace.TryReadTag(out var field, out var wireType))
                {
                    return false;
                }

                if (field != 1 || wireType != WireType.LengthDelimited)
                {
                    // Trace has no other field, but a reader skips unknown ones: only the first must be a packet.
                    if (offset == 0)
                    {
                        return false;
                    }

                    trace.Skip(wireType);
                    offset += trace.Position;
                    continue;
                }

                length = trace.ReadVarint();
            }
            catch (ProtoWireException e)
            {
                // The prefix may end inside the next packet's key or length: only invalid bytes are evidence against.
                return e.CutOff && offset > 0;
            }

            var start = offset + trace.Position;
            var present = (int)Math.Min(length, (ulong)(prefix.Length - start));
            if (!FieldsValid(prefix.Slice(start, present)))
            {
                return false;
            }

            offset = start + present;
        }

        return true;
    }

    /// <summary>Keys of a packet's fields are valid up to where the bytes at hand end.</summary>
    private static bool FieldsValid(ReadOnlySpan<byte> packet)
    {
        var reader = new ProtoReader(packet, 0);
        try
        {
            while (reader.TryReadTag(out _, out var wireType))
            {
                reader.Skip(wireType);
            }

            return true;
        }
        catch (ProtoWireException e)
        {
            return e.CutOff;
        }
    }

    private static bool HasBinaryByte(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b < 0x09 || b is >= 0x0E and < 0x20)
            {
                return true;
            }
        }

        return false;
    }
}
