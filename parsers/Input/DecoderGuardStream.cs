namespace BinderTrace.Parsers.Input;

/// <summary>
/// Wraps a third-party decompressor (zstd, xz) so damaged or cut input ends the text instead of throwing from
/// deep inside the decoder: reading stops at the first failure, <see cref="Damage"/> says what happened, and
/// everything decoded before it has been returned.
/// </summary>
internal sealed class DecoderGuardStream(Stream decoder, string formatName) : ForwardReadStream(decoder)
{
    private long _decoded;

    /// <summary>Null while the compressed input is sound.</summary>
    public string? Damage { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (Damage is not null)
        {
            return 0;
        }

        try
        {
            var n = Inner.Read(buffer);
            _decoded += n;
            return n;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The decoders signal bad input with exceptions of their own types (and some with IndexOutOfRange):
            // for a reader of untrusted files, all of them mean the same thing.
            Damage = $"the {formatName} data is damaged or cut after {_decoded} decoded bytes ({exception.Message})";
            return 0;
        }
    }
}

/// <summary>A forward-only stream whose <see cref="Position"/> is the bytes read so far: the xz decoder takes its block padding from it.</summary>
internal sealed class PositionCountingStream(Stream inner) : ForwardReadStream(inner)
{
    private long _position;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = Inner.Read(buffer);
        _position += n;
        return n;
    }
}
