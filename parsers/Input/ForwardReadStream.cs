namespace BinderTrace.Parsers.Input;

/// <summary>
/// Base of the pass-through streams that sit between a trace file and the line reader (gzip checking, format
/// sniffing, progress): read-only, forward-only, and owning the stream they read from. A subclass implements
/// <see cref="Read(Span{byte})"/> only.
/// </summary>
public abstract class ForwardReadStream(Stream inner) : Stream
{
    /// <summary>The stream this one reads from; disposed with it.</summary>
    protected Stream Inner { get; } = inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
