using System.Buffers.Binary;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// The pages of one column's chunk in the row group being built. Each data page is compressed as soon as its rows
/// are complete and kept, compressed, in memory, so the work of a row group is spread over its rows instead of
/// stalling the writer at the end; <see cref="WriteTo"/> puts the dictionary page (which must come first) and the
/// data pages into the file and returns the chunk's footer metadata. Page headers are Thrift; bodies are compressed
/// as one unit. The compressor, header scratch and the segments pages are stored in are shared by the columns of a file.
/// </summary>
internal sealed class ColumnChunkWriter(ParquetColumn column, PageCompressor compressor, ThriftCompactWriter header, SegmentPool segments)
{
    private readonly PageStore _dataPages = new(segments);
    private readonly PageStore _dictionaryPage = new(segments);
    private readonly HashSet<ParquetEncoding> _encodings = [];
    private long _numValues;
    private long _nullCount;
    private long _uncompressed;
    private bool _hasDictionary;

    public ParquetColumn Column { get; } = column;

    /// <summary>Bytes held for the row group's file section (compressed pages), for the writer's memory bound.</summary>
    public long BufferedBytes => _dataPages.Length + _dictionaryPage.Length;

    /// <summary>The chunk's dictionary page; it is written ahead of the data pages whenever it is given.</summary>
    public void WriteDictionaryPage(ReadOnlySpan<byte> plainValues, int count)
    {
        if (_hasDictionary)
        {
            throw new InvalidOperationException($"Column chunk '{Column.Name}' already has a dictionary page.");
        }

        var body = compressor.Compress(plainValues);
        header.Clear();
        ParquetMetadataWriter.WriteDictionaryPageHeader(header, plainValues.Length, body.Length, count);
        Append(_dictionaryPage, plainValues.Length, body);
        _encodings.Add(ParquetEncoding.Plain);
        _hasDictionary = true;
    }

    /// <summary><paramref name="body"/> is the uncompressed v1 page body: [u32 length + level runs] then values.</summary>
    public void WriteDataPage(ReadOnlySpan<byte> body, int numValues, int nullCount, ParquetEncoding encoding)
    {
        var compressed = compressor.Compress(body);
        header.Clear();
        ParquetMetadataWriter.WriteDataPageHeader(header, body.Length, compressed.Length, numValues, encoding, nullCount);
        Append(_dataPages, body.Length, compressed);
        _numValues += numValues;
        _nullCount += nullCount;
        _encodings.Add(encoding);
        if (Column.Optional)
        {
            _encodings.Add(ParquetEncoding.Rle);
        }
    }

    /// <summary>Writes the chunk (dictionary page, then data pages) at the output's position and starts the next one.</summary>
    public ColumnChunkMetadata WriteTo(ParquetOutput output)
    {
        if (_dataPages.Length == 0)
        {
            throw new InvalidOperationException($"Column chunk '{Column.Name}' has no data page.");
        }

        long? dictionaryOffset = _hasDictionary ? output.Position : null;
        _dictionaryPage.CopyTo(output);
        var dataOffset = output.Position;
        _dataPages.CopyTo(output);
        var metadata = new ColumnChunkMetadata(
            Column, _encodings.Order().ToArray(), compressor.Codec, _numValues, _nullCount, _uncompressed, BufferedBytes, dataOffset, dictionaryOffset);
        _dataPages.Clear();
        _dictionaryPage.Clear();
        _encodings.Clear();
        _numValues = 0;
        _nullCount = 0;
        _uncompressed = 0;
        _hasDictionary = false;
        return metadata;
    }

    /// <summary>
    /// Writes a v1 level section: u32 LE byte length, then the hybrid runs (bit width 1 for flat optional columns) of
    /// the first <paramref name="count"/> levels of the bitmap <paramref name="present"/> (bit i: row i holds a value).
    /// </summary>
    public static void WriteDefinitionLevels(ReadOnlySpan<ulong> present, int count, PageBodyBuffer body)
    {
        var lengthAt = body.Reserve(4);
        var start = body.Length;
        RleHybridEncoder.EncodeLevels(present, count, body);
        BinaryPrimitives.WriteInt32LittleEndian(body.At(lengthAt, 4), body.Length - start);
    }

    private void Append(PageStore pages, int uncompressedBodyLength, ReadOnlySpan<byte> storedBody)
    {
        var headerBytes = header.WrittenSpan;
        pages.Write(headerBytes);
        pages.Write(storedBody);
        _uncompressed += headerBytes.Length + uncompressedBodyLength;
    }
}
