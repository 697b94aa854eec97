namespace BinderTrace.Export;

/// <summary>
/// The write side of an output file: any <see cref="IOException"/> from the file becomes an
/// <see cref="ExportWriteException"/> naming it, so a full disk is reported as an output failure wherever in the
/// writer it surfaces (a page written, a row group flushed, the footer, the final flush to disk).
/// </summary>
internal sealed class OutputFileStream(Stream inner, string path) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (IOException exception) when (exception is not ExportWriteException)
        {
            throw new ExportWriteException(path, exception);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (IOException exception) when (exception is not ExportWriteException)
        {
            throw new ExportWriteException(path, exception);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
