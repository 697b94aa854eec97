using System.Buffers.Binary;

namespace BinderTrace.Export.Parquet;

/// <summary>Knobs of the Parquet writer. The row-group limits bound memory: buffers are flushed when either is reached.</summary>
public sealed record ParquetWriterOptions
{
    public ParquetCompression Compression { get; init; } = ParquetCompression.None;

    /// <summary>
    /// Rows per row group. The compressed pages of a row group are held until it is complete, so this and
    /// <see cref="RowGroupBytes"/> are the writer's memory: 524,288 events are about 4 MB of ZSTD pages (5 MB of GZIP).
    /// </summary>
    public int RowGroupRows { get; init; } = 1 << 19;

    /// <summary>Bytes held for the row group being built (stored pages, the page being filled, dictionaries) that trigger a row-group flush.</summary>
    public long RowGroupBytes { get; init; } = 16L << 20;

    /// <summary>Rows per data page: pages are encoded and compressed as they fill.</summary>
    public int PageRows { get; init; } = 1 << 15;

    /// <summary>
    /// DELTA_BINARY_PACKED timestamps (smaller before compression) instead of PLAIN. Off by default: Parquet.Net 6.1
    /// cannot decode DELTA_BINARY_PACKED into timestamps (NotSupportedException), the other readers can.
    /// </summary>
    public bool DeltaTimestamps { get; init; }

    /// <summary>
    /// TIMESTAMP(NANOS) by default: exact and one column per time. Spark (before SPARK-44988), BigQuery, Hive and
    /// older Trino refuse or truncate NANOS, so <see cref="TimestampColumns.MicrosWithNanos"/> writes what they read.
    /// </summary>
    public TimestampColumns Timestamps { get; init; } = TimestampColumns.Nanos;

    /// <summary>
    /// ZSTD pages from ZstdSharp (the managed port) even where the machine's libzstd loads: for the tests that check both
    /// produce the same file content, and for measuring one against the other.
    /// </summary>
    internal bool ManagedZstd { get; init; }

    /// <summary>FileMetaData.created_by: "&lt;app&gt; version &lt;v&gt;" (FORMATS.md §4.3).</summary>
    public string CreatedBy { get; init; } = "bindertrace";

    public static ParquetWriterOptions Default { get; } = new();
}

/// <summary>
/// Writes one flat Parquet file: "PAR1", row groups of column chunks, the Thrift footer, its length and
/// "PAR1" again (FORMATS.md §4.1, §4.7). The caller fills <see cref="ColumnBuffer"/>s and hands them over
/// one page at a time (<see cref="WritePage"/>, encoded and compressed at once) and closes each row group with
/// <see cref="WriteRowGroup"/>; <see cref="Finish"/> writes the footer. The stream is not closed here.
/// </summary>
internal sealed class ParquetFileWriter : IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly ParquetOutput _output;
    private readonly IReadOnlyList<ParquetColumn> _schema;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnChunkWriter[] _chunks;
    private readonly PageCompressor _compressor;
    private readonly PageBodyBuffer _body = new();
    private readonly List<RowGroupMetadata> _rowGroups = [];
    private readonly List<KeyValuePair<string, string>> _keyValues = [];
    private long _rowGroupRows;
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
        _compressor = new PageCompressor(options.Compression, options.ManagedZstd);
        var header = new ThriftCompactWriter();
        var segments = new SegmentPool();
        _chunks = schema.Select(column => new ColumnChunkWriter(column, _compressor, header, segments)).ToArray();
        _output.Write(Magic);
    }

    /// <summary>Compressed pages held for the row group being built.</summary>
    public long BufferedBytes => _chunks.Sum(c => c.BufferedBytes);

    /// <summary>Adds a footer key/value pair (written by <see cref="Finish"/>).</summary>
    public void AddKeyValue(string key, string value) => _keyValues.Add(new(key, value));

    /// <summary>Encodes the buffered rows as one page of each column and empties the buffers. Buffers must match the schema, in order, with equal row counts.</summary>
    public void WritePage(IReadOnlyList<ColumnBuffer> columns)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (columns.Count != _schema.Count)
        {
            throw new ArgumentException($"Expected {_schema.Count} columns, got {columns.Count}.", nameof(columns));
        }

        var rows = columns[0].RowCount;
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Column != _schema[i] || columns[i].RowCount != rows)
            {
                throw new ArgumentException($"Column {i} ('{columns[i].Column.Name}') does not match the schema or the row count {rows}.", nameof(columns));
            }
        }

        if (rows == 0)
        {
            return;
        }

        for (var i = 0; i < columns.Count; i++)
        {
            columns[i].WritePage(_chunks[i], _body);
        }

        _rowGroupRows += rows;
    }

    /// <summary>Writes the buffered rows as the row group's last page, then the row group's column chunks.</summary>
    public void WriteRowGroup(IReadOnlyList<ColumnBuffer> columns)
    {
        WritePage(columns);
        if (_rowGroupRows == 0)
        {
            return;
        }

        var fileOffset = _output.Position;
        var chunks = new ColumnChunkMetadata[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            columns[i].EndChunk(_chunks[i]);
            chunks[i] = _chunks[i].WriteTo(_output);
        }

        _rowGroups.Add(new RowGroupMetadata(chunks, _rowGroupRows, fileOffset));
        _rowGroupRows = 0;
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
        Dispose();
    }

    /// <summary>
    /// Frees the compressor's native state: <see cref="Finish"/> does it, and so does disposing an unfinished writer. A
    /// second call is harmless, since every codec's native state is freed at most once (a SafeHandle, or ZstdSharp's own guard).
    /// </summary>
    public void Dispose() => _compressor.Dispose();
}
