using System.Buffers.Binary;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// Writes the pages of one column chunk (an optional dictionary page, then data pages) to the file and
/// accumulates the chunk's footer metadata. Page headers are Thrift; bodies are compressed as one unit.
/// </summary>
internal sealed class ColumnChunkWriter
{
    private readonly ParquetOutput _output;
    private readonly PageCompressor _compressor;
    private readonly ThriftCompactWriter _header = new();
    private readonly HashSet<ParquetEncoding> _encodings = [];
    private ParquetColumn? _column;
    private long _numValues;
    private long _nullCount;
    private long _uncompressed;
    private long _compressed;
    private long _dataPageOffset;
    private long? _dictionaryPageOffset;

    public ColumnChunkWriter(ParquetOutput output, PageCompressor compressor)
    {
        _output = output;
        _compressor = compressor;
    }

    public void Begin(ParquetColumn column)
    {
        _column = column;
        _encodings.Clear();
        _numValues = 0;
        _nullCount = 0;
        _uncompressed = 0;
        _compressed = 0;
        _dataPageOffset = -1;
        _dictionaryPageOffset = null;
    }

    /// <summary>The dictionary page must come before every data page of the chunk.</summary>
    public void WriteDictionaryPage(ReadOnlySpan<byte> plainValues, int count)
    {
        if (_dataPageOffset >= 0)
        {
            throw new InvalidOperationException("The dictionary page must precede the data pages.");
        }

        _dictionaryPageOffset = _output.Position;
        var body = _compressor.Compress(plainValues);
        _header.Clear();
        ParquetMetadataWriter.WriteDictionaryPageHeader(_header, plainValues.Length, body.Length, count);
        WritePage(plainValues.Length, body);
        _encodings.Add(ParquetEncoding.Plain);
    }

    /// <summary><paramref name="body"/> is the uncompressed v1 page body: [u32 length + level runs] then values.</summary>
    public void WriteDataPage(ReadOnlySpan<byte> body, int numValues, int nullCount, ParquetEncoding encoding)
    {
        if (_dataPageOffset < 0)
        {
            _dataPageOffset = _output.Position;
        }

        var compressed = _compressor.Compress(body);
        _header.Clear();
        ParquetMetadataWriter.WriteDataPageHeader(_header, body.Length, compressed.Length, numValues, encoding, nullCount);
        WritePage(body.Length, compressed);
        _numValues += numValues;
        _nullCount += nullCount;
        _encodings.Add(encoding);
        if (_column!.Optional)
        {
            _encodings.Add(ParquetEncoding.Rle);
        }
    }

    public ColumnChunkMetadata End()
    {
        var column = _column ?? throw new InvalidOperationException("No column chunk was begun.");
        if (_dataPageOffset < 0)
        {
            throw new InvalidOperationException($"Column chunk '{column.Name}' has no data page.");
        }

        var encodings = _encodings.Order().ToArray();
        _column = null;
        return new ColumnChunkMetadata(
            column, encodings, _compressor.Codec, _numValues, _nullCount, _uncompressed, _compressed, _dataPageOffset, _dictionaryPageOffset);
    }

    /// <summary>Writes a v1 level section: u32 LE byte length, then the hybrid runs (bit width 1 for flat optional columns).</summary>
    public static void WriteDefinitionLevels(ReadOnlySpan<byte> levels, PageBodyBuffer body)
    {
        var lengthAt = body.Reserve(4);
        var start = body.Length;
        RleHybridEncoder.Encode(levels, 1, body);
        BinaryPrimitives.WriteInt32LittleEndian(body.At(lengthAt, 4), body.Length - start);
    }

    private void WritePage(int uncompressedBodyLength, ReadOnlySpan<byte> storedBody)
    {
        var header = _header.WrittenSpan;
        _output.Write(header);
        _output.Write(storedBody);
        _uncompressed += header.Length + uncompressedBodyLength;
        _compressed += header.Length + storedBody.Length;
    }
}
