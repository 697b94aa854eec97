namespace BinderTrace.Parsers;

/// <summary>
/// Cuts a byte stream into <see cref="TextBlock"/>s of whole lines, each about as large as its buffer, so that
/// blocks can be parsed on several threads. It keeps <see cref="LineSplitter"/>'s rules: a line longer than the
/// limit is skipped to its newline without being kept (and becomes a <see cref="TextBlockKind.TooLongLine"/>
/// block when it does not fit in one), and a final line without a newline is not returned but sets
/// <see cref="EndedInsideLine"/>. A block's buffer grows only for a line that does not fit in it.
/// </summary>
internal sealed class LineBlockReader
{
    private readonly TextInput _input;
    private readonly int _maxLineBytes;
    private readonly int _maxBufferBytes;
    private byte[] _carry;
    private int _carryLength;
    private long _offset;
    private bool _skippingLongLine;

    public LineBlockReader(Stream stream, int maxLineBytes, int blockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 1);
        _input = new TextInput(stream);
        _maxLineBytes = maxLineBytes;
        _maxBufferBytes = (int)Math.Min(Array.MaxLength, Math.Max(blockBytes, (long)maxLineBytes + 1));
        _carry = new byte[Math.Min(blockBytes, 4096)];
    }

    /// <summary>Bytes taken from the input so far.</summary>
    public long BytesRead => _input.BytesRead;

    /// <summary>Set at the end when the input stopped inside a line (no final newline) or inside a long line being skipped.</summary>
    public bool EndedInsideLine { get; private set; }

    /// <summary>Set when the compressed input was cut or corrupt; reading stopped there.</summary>
    public bool CompressedStreamBroken => _input.CompressedStreamBroken;

    /// <summary>Fills <paramref name="block"/> with the next whole lines, or marks it as a skipped long line or the end.</summary>
    public void Fill(TextBlock block)
    {
        block.Length = 0;
        if (_skippingLongLine)
        {
            SkipRestOfLongLine();
        }

        if (_input.Ended && _carryLength == 0)
        {
            block.Kind = TextBlockKind.End;
            return;
        }

        var buffer = block.Buffer;
        if (buffer.Length <= _carryLength)
        {
            // The carried start of a line outgrew this block's buffer in another block.
            buffer = new byte[Math.Min(_maxBufferBytes, Math.Max(_carryLength + 1, buffer.Length * 2))];
            block.Buffer = buffer;
        }

        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        var end = _carryLength;
        _carryLength = 0;
        while (true)
        {
            end += ReadInto(buffer, end);
            var lastNewline = buffer.AsSpan(0, end).LastIndexOf((byte)'\n');
            if (lastNewline >= 0)
            {
                block.Kind = TextBlockKind.Lines;
                block.Offset = _offset;
                block.Length = lastNewline + 1;
                Carry(buffer.AsSpan(lastNewline + 1, end - lastNewline - 1));
                _offset += lastNewline + 1;
                return;
            }

            if (end > _maxLineBytes)
            {
                block.Kind = TextBlockKind.TooLongLine;
                block.Offset = _offset;
                _offset += end;
                _skippingLongLine = true;
                return;
            }

            if (_input.Ended)
            {
                EndedInsideLine |= end > 0;
                _offset += end;
                block.Kind = TextBlockKind.End;
                return;
            }

            if (end == buffer.Length)
            {
                // Only reached when one unfinished line fills the buffer; it is at most _maxLineBytes long here.
                Array.Resize(ref buffer, (int)Math.Min(_maxBufferBytes, (long)buffer.Length * 2));
                block.Buffer = buffer;
            }
        }
    }

    private void SkipRestOfLongLine()
    {
        var scratch = _carry;
        var span = scratch.AsSpan(0, _carryLength);
        while (true)
        {
            var newline = span.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _skippingLongLine = false;
                _offset += newline + 1;
                var rest = span[(newline + 1)..];
                rest.CopyTo(scratch);
                _carryLength = rest.Length;
                return;
            }

            _offset += span.Length;
            _carryLength = 0;
            if (_input.Ended)
            {
                _skippingLongLine = false;
                EndedInsideLine = true;
                return;
            }

            span = scratch.AsSpan(0, ReadInto(scratch, 0));
        }
    }

    private void Carry(ReadOnlySpan<byte> tail)
    {
        if (tail.Length > _carry.Length)
        {
            _carry = new byte[Math.Max(tail.Length, _carry.Length * 2)];
        }

        tail.CopyTo(_carry);
        _carryLength = tail.Length;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full from <paramref name="start"/> or the input ends.</summary>
    private int ReadInto(byte[] buffer, int start)
    {
        var total = 0;
        while (!_input.Ended && start + total < buffer.Length)
        {
            total += _input.Read(buffer, start + total, buffer.Length - start - total);
        }

        return total;
    }
}
