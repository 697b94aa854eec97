using System.Buffers.Binary;
using System.IO.Compression;

namespace BinderTrace.Parsers.Input;

/// <summary>
/// Gzip decompression that can tell a complete input from a cut one. .NET's <see cref="GZipStream"/> ends
/// quietly when its input stops early, so this stream remembers the last 8 bytes of the compressed input and,
/// at the end, compares the trailer's ISIZE (RFC 1952: uncompressed length mod 2^32) with what was decoded.
/// A cut file ends in arbitrary deflate bytes instead of a trailer.
/// </summary>
/// <remarks>
/// A file of several gzip members (concatenated .gz files) carries only the last member's size in its final
/// trailer, which is smaller than the total; that is accepted, so a cut goes unnoticed here only when its last
/// four bytes happen to read as a number below the decoded length (the line reader still reports a cut inside
/// a line).
/// </remarks>
internal sealed class CheckedGzipStream : ForwardReadStream
{
    // RFC 1952: 10-byte header, at least 2 bytes of deflate data, 8-byte trailer.
    private const int MinimumMemberBytes = 20;

    private readonly TailRecorder _compressed;
    private long _decoded;

    public CheckedGzipStream(Stream compressed)
        : this(new TailRecorder(compressed))
    {
    }

    private CheckedGzipStream(TailRecorder compressed)
        : base(new GZipStream(compressed, CompressionMode.Decompress))
    {
        _compressed = compressed;
    }

    /// <summary>
    /// What was wrong with the compressed input when decoding failed (a CRC or length check, corrupt deflate
    /// data); null while it is sound. Reading stops there; every byte decoded before it was returned.
    /// </summary>
    public string? Damage { get; private set; }

    /// <summary>Call once reading returned 0: true when the compressed input was cut or damaged.</summary>
    public bool WasCut()
    {
        if (Damage is not null)
        {
            return true;
        }

        // GZipStream may stop reading right after the last trailer; read what is left so the tail is final.
        _compressed.Drain();
        if (_compressed.BytesRead < MinimumMemberBytes)
        {
            return true;
        }

        var sizeInTrailer = _compressed.LastUInt32;
        var decodedModulo = (uint)_decoded;
        return sizeInTrailer > decodedModulo;
    }

    /// <remarks>
    /// zlib checks a member's CRC and length in the same call that writes its last bytes, and .NET then throws
    /// without saying how many it wrote: up to a whole buffer of good text would be lost. The buffer is zeroed
    /// first, so the bytes written are those up to the last non-zero one (text holds no NUL worth keeping).
    /// </remarks>
    public override int Read(Span<byte> buffer)
    {
        if (Damage is not null)
        {
            return 0;
        }

        buffer.Clear();
        int n;
        try
        {
            n = Inner.Read(buffer);
        }
        catch (InvalidDataException)
        {
            n = buffer.LastIndexOfAnyExcept((byte)0) + 1;
            Damage = $"the gzip data is damaged after {_decoded + n} decoded bytes (a failed CRC or length check, or corrupt data); "
                + "everything decoded before that was read";
        }

        _decoded += n;
        return n;
    }

    /// <summary>Passes reads through and keeps the last 8 bytes seen.</summary>
    private sealed class TailRecorder(Stream inner) : ForwardReadStream(inner)
    {
        private readonly byte[] _tail = new byte[8];
        private long _length;

        /// <summary>Compressed bytes read so far.</summary>
        public long BytesRead => _length;

        public uint LastUInt32 => BinaryPrimitives.ReadUInt32LittleEndian(_tail.AsSpan(4));

        public void Drain()
        {
            Span<byte> rest = stackalloc byte[512];
            while (Read(rest) > 0)
            {
            }
        }

        public override int Read(Span<byte> buffer)
        {
            var n = Inner.Read(buffer);
            if (n >= _tail.Length)
            {
                buffer.Slice(n - _tail.Length, _tail.Length).CopyTo(_tail);
            }
            else if (n > 0)
            {
                _tail.AsSpan(n).CopyTo(_tail);
                buffer[..n].CopyTo(_tail.AsSpan(_tail.Length - n));
            }

            _length += n;
            return n;
        }
    }
}
