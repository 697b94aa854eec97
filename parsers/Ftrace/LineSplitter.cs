namespace BinderTrace.Parsers;

/// <summary>What <see cref="LineSplitter.Next"/> found.</summary>
internal enum LineStatus
{
    /// <summary>A complete line (its newline seen).</summary>
    Line,

    /// <summary>A line longer than the limit; its bytes were skipped without being kept.</summary>
    TooLong,

    /// <summary>The end of the input.</summary>
    End,
}

/// <summary>
/// Cuts a byte stream into lines with one growable buffer that has a hard maximum (Sep's reader design):
/// the unfinished line moves to the front before each read, the buffer grows only when a single line does
/// not fit, and a line past the limit is skipped to its newline without being buffered. Lines may straddle
/// reads of any size; a trailing '\r' (adb) is removed. A final line without a newline is not returned:
/// it is the sign of a cut file, reported through <see cref="EndedInsideLine"/>.
/// </summary>
internal sealed class LineSplitter
{
    private const int InitialBufferBytes = 1 << 17;

    private readonly TextInput _input;
    private readonly int _maxLineBytes;
    private readonly int _maxBufferBytes;
    private byte[] _buffer;
    private long _bufferOffset;
    private int _start;
    private int _scanned;
    private int _end;
    private bool _skippingLongLine;

    public LineSplitter(Stream stream, int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _input = new TextInput(stream);
        _maxLineBytes = maxLineBytes;
        _maxBufferBytes = (int)Math.Min(Array.MaxLength, Math.Max((long)InitialBufferBytes, (long)maxLineBytes + 1));
        _buffer = new byte[Math.Min(InitialBufferBytes, _maxBufferBytes)];
    }

    /// <summary>1-based number of the line last returned (or skipped as too long).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Byte offset of that line's first byte in the (decompressed) input.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Bytes taken from the input so far.</summary>
    public long BytesRead => _bufferOffset + _end;

    /// <summary>Set at the end when the input stopped inside a line (no final newline) or inside a long line being skipped.</summary>
    public bool EndedInsideLine { get; private set; }

    /// <summary>Set when the compressed input was cut or corrupt; reading stopped there.</summary>
    public bool CompressedStreamBroken => _input.CompressedStreamBroken;

    public LineStatus Next(out ReadOnlySpan<byte> line)
    {
        line = default;
        while (true)
        {
            if (_skippingLongLine)
            {
                var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    _start += newline + 1;
                    _scanned = _start;
                    _skippingLongLine = false;
                    continue;
                }

                _start = _end;
                _scanned = _end;
            }
            else
            {
                var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    return TakeLine(_scanned + newline, out line);
                }

                _scanned = _end;
                if (_end - _start > _maxLineBytes)
                {
                    LineNumber++;
                    LineOffset = _bufferOffset + _start;
                    _skippingLongLine = true;
                    _start = _end;
                    return LineStatus.TooLong;
                }
            }

            if (_input.Ended)
            {
                EndedInsideLine = _skippingLongLine || _end > _start;
                _start = _end;
                return LineStatus.End;
            }

            Fill();
        }
    }

    private LineStatus TakeLine(int newline, out ReadOnlySpan<byte> line)
    {
        LineNumber++;
        LineOffset = _bufferOffset + _start;
        var length = newline - _start;
        var start = _start;
        _start = newline + 1;
        _scanned = _start;
        if (length > _maxLineBytes)
        {
            line = default;
            return LineStatus.TooLong;
        }

        if (length > 0 && _buffer[start + length - 1] == (byte)'\r')
        {
            length--;
        }

        line = _buffer.AsSpan(start, length);
        return LineStatus.Line;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _bufferOffset += _start;
            _scanned -= _start;
            _end = pending;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // Only reached when one unfinished line fills the buffer; it is at most _maxLineBytes long here.
            Array.Resize(ref _buffer, (int)Math.Min(_maxBufferBytes, (long)_buffer.Length * 2));
        }

        _end += _input.Read(_buffer, _end, _buffer.Length - _end);
    }
}
