using BinderTrace.Export.Parquet;

namespace BinderTrace.Export.Tables;

/// <summary>
/// Streams rows of one <see cref="TableDefinition{TRow}"/> into a Parquet file. Rows are buffered column by
/// column and flushed as a row group when <see cref="ParquetWriterOptions.RowGroupRows"/> or
/// <see cref="ParquetWriterOptions.RowGroupBytes"/> is reached, so memory does not grow with the table.
/// </summary>
internal sealed class TableWriter<TRow>
{
    private const int ByteCheckInterval = 4096;

    private readonly ColumnBuffer[] _buffers;
    private readonly RowClass<TRow>? _rowClassOf;
    private readonly ColumnBinding<TRow>[][] _presentByClass;
    private readonly ParquetFileWriter _file;
    private readonly ParquetWriterOptions _options;
    private int _buffered;

    public TableWriter(TableDefinition<TRow> table, Stream stream, ParquetWriterOptions options)
    {
        Table = table;
        _options = options;
        var bindings = table.Bind();
        _buffers = Array.ConvertAll(bindings, b => b.Buffer);
        _rowClassOf = table.RowClassOf;
        _presentByClass = new ColumnBinding<TRow>[table.ClassCount][];
        for (var rowClass = 0; rowClass < table.ClassCount; rowClass++)
        {
            var c = rowClass;
            _presentByClass[c] = Enumerable.Range(0, bindings.Length).Where(i => table.IsPresent(i, c)).Select(i => bindings[i]).ToArray();
        }

        _file = new ParquetFileWriter(stream, table.Columns, options);
    }

    public TableDefinition<TRow> Table { get; }

    /// <summary>Rows appended so far, flushed or not.</summary>
    public long RowCount { get; private set; }

    public void Append(in TRow row)
    {
        var rowClass = _rowClassOf is null ? 0 : _rowClassOf(in row);
        foreach (var binding in _presentByClass[rowClass])
        {
            // Columns this row's class lacks are not touched; they catch up with nulls here or at the flush.
            binding.Buffer.PadNulls(_buffered);
            binding.Append(in row);
        }

        RowCount++;
        _buffered++;
        if (_buffered >= _options.RowGroupRows || (_buffered % ByteCheckInterval == 0 && BufferedBytes() >= _options.RowGroupBytes))
        {
            Flush();
        }
    }

    public void AddKeyValue(string key, string value) => _file.AddKeyValue(key, value);

    /// <summary>Writes the last row group and the footer. The stream stays open.</summary>
    public void Complete()
    {
        Flush();
        _file.Finish();
    }

    private long BufferedBytes()
    {
        long total = 0;
        foreach (var buffer in _buffers)
        {
            total += buffer.EstimatedBytes;
        }

        return total;
    }

    private void Flush()
    {
        if (_buffered == 0)
        {
            return;
        }

        foreach (var buffer in _buffers)
        {
            buffer.PadNulls(_buffered);
        }

        _file.WriteRowGroup(_buffers);
        foreach (var buffer in _buffers)
        {
            buffer.Reset();
        }

        _buffered = 0;
    }
}
