namespace BinderTrace.Parsers.Perfetto;

/// <summary>How reading the next packet ended.</summary>
internal enum PacketStatus
{
    Packet,
    End,
    /// <summary>The input ended inside a key, a length or a packet: <see cref="TracePacketReader.Problem"/> says where.</summary>
    Truncated,
}

/// <summary>
/// Splits the top-level <c>Trace</c> message (a sequence of <c>0x0A &lt;varint length&gt; &lt;TracePacket&gt;</c>,
/// FORMATS.md §3.1) into packets without reading the whole file: one packet at a time sits in a reused
/// buffer, so memory is bounded by the largest packet. Top-level fields other than packets are skipped.
/// </summary>
internal sealed class TracePacketReader
{
    /// <summary>Larger packets are an error, not an allocation (traced_probes writes packets of at most a few hundred KiB).</summary>
    public const int MaxPacketBytes = 64 << 20;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private long _bufferOffset;

    public TracePacketReader(Stream stream, int bufferBytes = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>Byte offset of the first byte of the current packet's payload.</summary>
    public long PacketOffset { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead => _bufferOffset + _start;

    /// <summary>Set with <see cref="PacketStatus.Truncated"/> or when the framing itself is corrupt.</summary>
    public string? Problem { get; private set; }

    public long ProblemOffset { get; private set; }

    /// <summary>The next packet's bytes, valid until the next call.</summary>
    /// <exception cref="ProtoWireException">The framing is corrupt (a key that is not a field, an oversized length).</exception>
    public PacketStatus Next(out ReadOnlySpan<byte> packet)
    {
        packet = default;
        while (true)
        {
            var keyOffset = BytesRead;
            if (!TryReadVarint(out var key))
            {
                return _end == _start ? PacketStatus.End : Truncated(keyOffset, "the file ends inside a packet's key");
            }

            var wireType = (int)(key & 7);
            var field = key >> 3;
            if (field == 0 || wireType is 3 or 4 or 6 or 7)
            {
                throw new ProtoWireException(keyOffset, $"not a Perfetto trace packet: invalid protobuf key 0x{key:x}");
            }

            if (wireType != 2)
            {
                var size = wireType switch { 0 => -1, 1 => 8, _ => 4 };
                if (size < 0 ? !TryReadVarint(out _) : !TrySkip(size))
                {
                    return Truncated(keyOffset, "the file ends inside a top-level field");
                }

                continue;
            }

            var lengthOffset = BytesRead;
            if (!TryReadVarint(out var length))
            {
                return Truncated(lengthOffset, "the file ends inside a packet's length");
            }

            if (length > MaxPacketBytes)
            {
                throw new ProtoWireException(lengthOffset, $"packet length {length} exceeds the {MaxPacketBytes}-byte limit");
            }

            if (!Fill((int)length))
            {
                var available = _end - _start;
                _start = _end;
                return Truncated(lengthOffset, $"the file ends inside a packet: {length} bytes announced, {available} present");
            }

            PacketOffset = BytesRead;
            var bytes = _buffer.AsSpan(_start, (int)length);
            _start += (int)length;
            if (field != 1)
            {
                continue;
            }

            packet = bytes;
            return PacketStatus.Packet;
        }
    }

    private PacketStatus Truncated(long offset, string problem)
    {
        Problem = problem;
        ProblemOffset = offset;
        return PacketStatus.Truncated;
    }

    private bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var i = 0; i < 10; i++)
        {
            if (!Fill(i + 1))
            {
                return false;
            }

            var b = _buffer[_start + i];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if (b < 0x80)
            {
                _start += i + 1;
                return true;
            }
        }

        throw new ProtoWireException(BytesRead, "varint longer than 10 bytes");
    }

    private bool TrySkip(int count)
    {
        if (!Fill(count))
        {
            return false;
        }

        _start += count;
        return true;
    }

    /// <summary>Makes <paramref name="count"/> bytes available from <c>_start</c>; false when the input ends first.</summary>
    private bool Fill(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_buffer.Length - _start < count)
        {
            var target = _buffer.Length >= count ? _buffer : new byte[Math.Max(count, _buffer.Length * 2)];
            Buffer.BlockCopy(_buffer, _start, target, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
            _buffer = target;
        }

        while (_end - _start < count && !_eof)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
                break;
            }

            _end += read;
        }

        return _end - _start >= count;
    }
}
