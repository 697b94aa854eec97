namespace BinderTrace.Export.Parquet;

/// <summary>The file being written, with the byte position Parquet's offsets refer to (works on unseekable streams).</summary>
internal sealed class ParquetOutput(Stream stream)
{
    public long Position { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        Position += bytes.Length;
    }
}
