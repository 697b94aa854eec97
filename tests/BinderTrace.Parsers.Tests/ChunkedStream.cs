namespace BinderTrace.Tests;

/// <summary>A stream that hands out its bytes in reads no larger than the given sizes, to test buffering.</summary>
internal sealed class ChunkedStream(byte[] data, Func<int, int> maxBytesForRead) : Stream
{
    private int _position;
    private int _reads;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Two reads: bytes [0, k) then the rest.</summary>
    public static ChunkedStream SplitAt(byte[] data, int k) => new(data, read => read == 0 ? k : int.MaxValue);

    public static ChunkedStream OneByteAtATime(byte[] data) => new(data, _ => 1);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, data.Length - _position), Math.Max(0, maxBytesForRead(_reads)));
        _reads++;
        if (n == 0 && _position < data.Length)
        {
            // A zero-byte request result would look like the end: hand out at least one byte.
            n = Math.Min(1, buffer.Length);
        }

        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
