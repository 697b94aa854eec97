using BinderTrace.Export.Parquet;

namespace BinderTrace.Export.Tables;

/// <summary>
/// Streams rows of one <see cref="TableDefinition{TRow}"/> into a Parquet file. Rows are buffered column by
/// column; every <see cref="ParquetWriterOptions.PageRows"/> rows they are encoded and compressed as one page per
/// column, and the pages are written out as a row group when <see cref="ParquetWriterOptions.RowGroupRows"/> or
/// <see cref="ParquetWriterOptions.RowGroupBytes"/> is reached, so memory does not grow with the table and the
/// compression work is spread evenly over the rows.
/// <para>
/// Rows are appended a chunk at a time and column by column: one virtual call per column per chunk, then a
/// loop over the chunk's rows. In a table with row classes, the rows of a chunk are first sorted into the
/// column presence groups (the distinct <c>presentIn</c> sets), so a sparse column visits only its own rows.
/// </para>
/// </summary>
internal sealed class ParquetTableWriter<TRow> : IDisposable
{
    /// <summary>Rows appended column by column at a time: enough to amortise the per-column calls, few enough to stay in cache.</summary>
    private const int ChunkRows = 4096;

    /// <summary>Single rows (<see cref="Append(in TRow)"/>) are gathered into chunks of this many (see <see cref="AppendPending"/>).</summary>
    private const int PendingRows = 1024;

    private readonly ColumnBinding<TRow>[] _bindings;
    private readonly ColumnBuffer[] _buffers;
    private readonly RowClass<TRow>? _rowClassOf;

    /// <summary>Per column, its presence group, or -1 for a column that every row has.</summary>
    private readonly int[] _groupOfColumn;

    /// <summary>Per row class, the presence groups its rows belong to.</summary>
    private readonly int[][] _groupsOfClass;

    /// <summary>Per presence group, the indexes of the current chunk's rows that belong to it (and their number).</summary>
    private readonly int[][] _groupRows;
    private readonly int[] _groupRowCounts;

    private readonly TRow[] _pending = new TRow[PendingRows];
    private readonly ParquetFileWriter _file;
    private readonly ParquetWriterOptions _options;
    private int _pendingCount;
    private int _pageRows;
    private int _rowGroupRows;

    public ParquetTableWriter(TableDefinition<TRow> table, Stream stream, ParquetWriterOptions options)
    {
        Table = table;
        _options = options;
        (_bindings, var presenceOfColumn) = table.Bind(options);
        _buffers = Array.ConvertAll(_bindings, b => b.Buffer);
        _rowClassOf = table.RowClassOf;

        var groups = new List<IReadOnlyList<bool>>();
        _groupOfColumn = new int[_bindings.Length];
        for (var column = 0; column < _bindings.Length; column++)
        {
            var presence = _rowClassOf is null ? null : presenceOfColumn[column];
            var group = presence is null ? -1 : groups.FindIndex(g => g.SequenceEqual(presence));
            if (presence is not null && group < 0)
            {
                group = groups.Count;
                groups.Add(presence);
            }

            _groupOfColumn[column] = group;
        }

        _groupsOfClass = new int[table.ClassCount][];
        for (var rowClass = 0; rowClass < table.ClassCount; rowClass++)
        {
            var c = rowClass;
            _groupsOfClass[c] = Enumerable.Range(0, groups.Count).Where(g => groups[g][c]).ToArray();
        }

        _groupRows = groups.ConvertAll(_ => new int[ChunkRows]).ToArray();
        _groupRowCounts = new int[groups.Count];
        _file = new ParquetFileWriter(stream, Array.ConvertAll(_buffers, b => b.Column), options);
    }

    public TableDefinition<TRow> Table { get; }

    /// <summary>Rows appended so far, flushed or not.</summary>
    public long RowCount { get; private set; }

    public void Append(in TRow row)
    {
        _pending[_pendingCount++] = row;
        RowCount++;
        if (_pendingCount == _pending.Length)
        {
            AppendPending();
        }
    }

    public void Append(ReadOnlySpan<TRow> rows)
    {
        AppendPending();
        RowCount += rows.Length;
        AppendRows(rows);
    }

    public void AddKeyValue(string key, string value) => _file.AddKeyValue(key, value);

    /// <summary>Writes the last row group and the footer. The stream stays open.</summary>
    public void Complete()
    {
        AppendPending();
        Flush();
        _file.Finish();
    }

    /// <summary>
    /// Appends the single rows gathered so far now, while whatever state their getters read besides the row
    /// (such as <see cref="TraceLabels"/>) still describes them.
    /// </summary>
    public void AppendPending()
    {
        if (_pendingCount == 0)
        {
            return;
        }

        var rows = _pending.AsSpan(0, _pendingCount);
        _pendingCount = 0;
        AppendRows(rows);
    }

    public void Dispose() => _file.Dispose();

    private void AppendRows(ReadOnlySpan<TRow> rows)
    {
        while (!rows.IsEmpty)
        {
            var room = Math.Min(_options.PageRows - _pageRows, _options.RowGroupRows - _rowGroupRows);
            var take = Math.Min(rows.Length, Math.Min(ChunkRows, room));
            AppendChunk(rows[..take]);
            rows = rows[take..];
            if (_rowGroupRows >= _options.RowGroupRows || BufferedBytes() >= _options.RowGroupBytes)
            {
                Flush();
            }
            else if (_pageRows == _options.PageRows)
            {
                PadAll();
                _file.WritePage(_buffers);
                _pageRows = 0;
            }
        }
    }

    private void AppendChunk(ReadOnlySpan<TRow> rows)
    {
        if (_rowClassOf is not null)
        {
            Array.Clear(_groupRowCounts);
            for (var i = 0; i < rows.Length; i++)
            {
                foreach (var group in _groupsOfClass[_rowClassOf(in rows[i])])
                {
                    _groupRows[group][_groupRowCounts[group]++] = i;
                }
            }
        }

        for (var column = 0; column < _bindings.Length; column++)
        {
            var group = _groupOfColumn[column];
            if (group < 0)
            {
                _bindings[column].AppendAll(rows, _pageRows);
            }
            else if (_groupRowCounts[group] > 0)
            {
                _bindings[column].AppendSome(rows, _groupRows[group].AsSpan(0, _groupRowCounts[group]), _pageRows);
            }
        }

        _pageRows += rows.Length;
        _rowGroupRows += rows.Length;
    }

    private long BufferedBytes()
    {
        var total = _file.BufferedBytes;
        foreach (var buffer in _buffers)
        {
            total += buffer.EstimatedBytes;
        }

        return total;
    }

    /// <summary>Columns that a page's last rows lacked catch up with nulls, so that every column has the page's rows.</summary>
    private void PadAll()
    {
        foreach (var buffer in _buffers)
        {
            buffer.PadNulls(_pageRows);
        }
    }

    private void Flush()
    {
        if (_rowGroupRows == 0)
        {
            return;
        }

        PadAll();
        _file.WriteRowGroup(_buffers);
        _pageRows = 0;
        _rowGroupRows = 0;
    }
}
