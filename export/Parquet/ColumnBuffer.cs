namespace BinderTrace.Export.Parquet;

/// <summary>
/// The values of one column for the row group being built. Optional columns keep one definition level per
/// row (1 = present, 0 = null) and store only present values. <see cref="WriteChunk"/> turns the buffer into
/// pages of at most <c>pageRows</c> rows; <see cref="Reset"/> empties it for the next row group.
/// </summary>
internal abstract class ColumnBuffer
{
    private byte[] _levels;

    protected ColumnBuffer(ParquetColumn column)
    {
        Column = column;
        _levels = column.Optional ? new byte[1024] : [];
    }

    public ParquetColumn Column { get; }

    public int RowCount { get; private set; }

    /// <summary>Bytes of data buffered for this row group (not capacity, which survives <see cref="Reset"/>), for the writer's memory bound.</summary>
    public long EstimatedBytes => (Column.Optional ? RowCount : 0) + ValueBytes;

    /// <summary>Bytes of the present values buffered so far.</summary>
    protected abstract long ValueBytes { get; }

    /// <summary>
    /// Brings the column to <paramref name="rowCount"/> rows by appending nulls. Costs O(1) however many rows are
    /// added, because definition levels past <see cref="RowCount"/> are kept zero (= null); that is what lets a
    /// sparse table skip the columns a row does not have.
    /// </summary>
    public void PadNulls(int rowCount)
    {
        if (rowCount <= RowCount)
        {
            return;
        }

        if (!Column.Optional)
        {
            throw RequiredNull();
        }

        EnsureLevels(rowCount);
        RowCount = rowCount;
    }

    public void WriteChunk(ColumnChunkWriter writer, PageBodyBuffer body, int pageRows)
    {
        writer.Begin(Column);
        var encoding = WriteDictionaryPage(writer, body);
        var valueStart = 0;
        for (var rowStart = 0; rowStart < RowCount; rowStart += pageRows)
        {
            var rows = Math.Min(pageRows, RowCount - rowStart);
            body.Clear();
            var values = rows;
            var nulls = 0;
            if (Column.Optional)
            {
                var levels = _levels.AsSpan(rowStart, rows);
                values = levels.Count((byte)1);
                nulls = rows - values;
                ColumnChunkWriter.WriteDefinitionLevels(levels, body);
            }

            WriteValues(valueStart, values, body);
            writer.WriteDataPage(body.WrittenSpan, rows, nulls, encoding);
            valueStart += values;
        }
    }

    public virtual void Reset()
    {
        // Restore the all-null invariant of the level array that PadNulls relies on.
        Array.Clear(_levels, 0, Column.Optional ? RowCount : 0);
        RowCount = 0;
    }

    /// <summary>The error for a null in a required column.</summary>
    public InvalidOperationException RequiredNull() => new($"Column '{Column.Name}' is required and cannot hold a null.");

    /// <summary>
    /// Records that row <paramref name="row"/> holds a value; rows skipped since the last value are nulls.
    /// Typed subclasses call it next to storing the value.
    /// </summary>
    protected void MarkPresent(int row)
    {
        if (row < RowCount)
        {
            throw new InvalidOperationException($"Column '{Column.Name}': row {row} appended after row {RowCount - 1}.");
        }

        if (Column.Optional)
        {
            EnsureLevels(row + 1);
            _levels[row] = 1;
        }
        else if (row != RowCount)
        {
            throw RequiredNull();
        }

        RowCount = row + 1;
    }

    /// <summary>Records that the rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="count"/>) all hold values.</summary>
    protected void MarkPresent(int firstRow, int count)
    {
        if (firstRow < RowCount)
        {
            throw new InvalidOperationException($"Column '{Column.Name}': row {firstRow} appended after row {RowCount - 1}.");
        }

        if (Column.Optional)
        {
            EnsureLevels(firstRow + count);
            _levels.AsSpan(firstRow, count).Fill(1);
        }
        else if (firstRow != RowCount)
        {
            throw RequiredNull();
        }

        RowCount = firstRow + count;
    }

    /// <summary>Writes the dictionary page when the chunk uses one, and returns the data pages' value encoding (PLAIN unless overridden).</summary>
    protected virtual ParquetEncoding WriteDictionaryPage(ColumnChunkWriter writer, PageBodyBuffer body) => ParquetEncoding.Plain;

    /// <summary>Appends present values [start, start + count) in the chunk's value encoding.</summary>
    protected abstract void WriteValues(int start, int count, PageBodyBuffer body);

    private void EnsureLevels(int rows)
    {
        if (rows > _levels.Length)
        {
            Array.Resize(ref _levels, Math.Max(rows, _levels.Length * 2));
        }
    }
}
