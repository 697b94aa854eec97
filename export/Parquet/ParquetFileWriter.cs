using System.Buffers.Binary;

namespace BinderTrace.Export.Parquet;

/// <summary>Knobs of the Parquet writer. The row-group limits bound memory: buffers are flushed when either is reached.</summary>
public sealed record ParquetWriterOptions
{
    public ParquetCompression Compression { get; init; } = ParquetCompression.None;

    public int RowGroupRows { get; init; } = 1 << 20;

    /// <summary>Estimated bytes of buffered column data that trigger a row-group flush.</summary>
    public long RowGroupBytes { get; init; } = 64L << 20;

    public int PageRows { get; init; } = 1 << 15;

    /// <summary>FileMetaData.created_by: "&lt;app&gt; version &lt;v&gt;" (FORMATS.md §4.3).</summary>
    public string CreatedBy { get; init; } = "bindertrace";

    public static ParquetWriterOptions Default { get; } = new();
}

/// <summary>
/// Writes one flat Parquet file: "PAR1", row groups of column chunks, the Thrift footer, its length and
/// "PAR1" again (FORMATS.md §4.1, §4.7). The caller fills <see cref="ColumnBuffer"/>s and hands them over
/// one row group at a time; <see cref="Finish"/> writes the footer. The stream is not closed here.
/// </summary>
internal sealed class ParquetFileWriter
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly ParquetOutput _output;
    private readonly IReadOnlyList<ParquetColumn> _schema;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnChunkWriter _chunkWriter;
    private readonly PageBodyBuffer _body = new();
    private readonly List<RowGroupMetadata> _rowGroups = [];
    private readonly List<KeyValuePair<string, string>> _keyValues = [];
    private bool _finished;

    public ParquetFileWriter(Stream stream, IReadOnlyList<ParquetColumn> schema, ParquetWriterOptions options)
    {
        if (schema.Count == 0)
        {
            throw new ArgumentException("A Parquet schema needs at least one column.", nameof(schema));
        }

        _output = new ParquetOutput(stream);
        _schema = schema;
        _options = options;
        _chunkWriter = new ColumnChunkWriter(_output, new PageCompressor(options.Compression));
        _output.Write(Magic);
    }

    /// <summary>Adds a footer key/value pair (written by <see cref="Finish"/>).</summary>
    public void AddKeyValue(string key, string value) => _keyValues.Add(new(key, value));

    /// <summary>Writes the buffered rows as one row group. Buffers must match the schema, in order, with equal row counts.</summary>
    public void WriteRowGroup(IReadOnlyList<ColumnBuffer> columns)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (columns.Count != _schema.Count)
        {
            throw new ArgumentException($"Expected {_schema.Count} columns, got {columns.Count}.", nameof(columns));
        }

        var rows = columns[0].RowCount;
        if (rows == 0)
        {
            return;
        }

        var fileOffset = _output.Position;
        var chunks = new ColumnChunkMetadata[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Column != _schema[i] || columns[i].RowCount != rows)
            {
                throw new ArgumentException($"Column {i} ('{columns[i].Column.Name}') does not match the schema or the row count {rows}.", nameof(columns));
            }

            columns[i].WriteChunk(_chunkWriter, _body, _options.PageRows);
            chunks[i] = _chunkWriter.End();
        }

        _rowGroups.Add(new RowGroupMetadata(chunks, rows, fileOffset));
    }

    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var footer = new ThriftCompactWriter(4096);
        ParquetMetadataWriter.WriteFileMetadata(footer, _schema, _rowGroups, _keyValues, _options.CreatedBy);
        _output.Write(footer.WrittenSpan);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
        _output.Write(length);
        _output.Write(Magic);
        _finished = true;
    }
}
