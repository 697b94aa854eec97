namespace BinderTrace.Parsers;

/// <summary>
/// The text readers' one read step (<see cref="LineSplitter"/>, <see cref="LineBlockReader"/>): reads the input,
/// decompressed when it is compressed, and counts the bytes taken. A cut or corrupt compressed stream (the decoder's
/// <see cref="InvalidDataException"/>) ends the input there and is remembered in <see cref="CompressedStreamBroken"/>,
/// so the lines before the break are still parsed and the reader reports the break as a truncation at the end.
/// </summary>
internal sealed class TextInput(Stream stream)
{
    /// <summary>Set once a read returned nothing: the input ended, or its compressed stream broke.</summary>
    public bool Ended { get; private set; }

    /// <summary>Set when the compressed input was cut or corrupt; reading stopped there.</summary>
    public bool CompressedStreamBroken { get; private set; }

    /// <summary>Bytes taken from the input so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Reads at most <paramref name="count"/> (at least 1) bytes into <paramref name="buffer"/> at <paramref name="offset"/>; 0 at the end.</summary>
    public int Read(byte[] buffer, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int read;
        try
        {
            read = stream.Read(buffer, offset, count);
        }
        catch (InvalidDataException)
        {
            CompressedStreamBroken = true;
            read = 0;
        }

        if (read == 0)
        {
            Ended = true;
        }

        BytesRead += read;
        return read;
    }
}
