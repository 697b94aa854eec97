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

    public int NullCount { get; private set; }

    /// <summary>Bytes of data buffered for this row group (not capacity, which survives <see cref="Reset"/>), for the writer's memory bound.</summary>
    public long EstimatedBytes => (Column.Optional ? RowCount : 0) + ValueBytes;

    /// <summary>Bytes of the present values buffered so far.</summary>
    protected abstract long ValueBytes { get; }

    public void AppendNull()
    {
        if (!Column.Optional)
        {
            throw new InvalidOperationException($"Column '{Column.Name}' is required and cannot hold a null.");
        }

        AddLevel(0);
        NullCount++;
    }

    /// <summary>
    /// Brings the column to <paramref name="rowCount"/> rows by appending nulls. Costs O(1) however many rows are
    /// added, because definition levels past <see cref="RowCount"/> are kept zero (= null); that is what lets a
    /// sparse table skip the columns a row does not have.
    /// </summary>
    public void PadNulls(int rowCount)
    {
        var missing = rowCount - RowCount;
        if (missing <= 0)
        {
            return;
        }

        if (!Column.Optional)
        {
            throw new InvalidOperationException($"Column '{Column.Name}' is required and cannot hold a null.");
        }

        if (rowCount > _levels.Length)
        {
            Array.Resize(ref _levels, Math.Max(rowCount, _levels.Length * 2));
        }

        NullCount += missing;
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
        NullCount = 0;
    }

    /// <summary>Records a present value's row; typed subclasses call it next to storing the value.</summary>
    protected void AddPresent()
    {
        if (Column.Optional)
        {
            AddLevel(1);
        }
        else
        {
            RowCount++;
        }
    }

    /// <summary>Writes the dictionary page when the chunk uses one, and returns the data pages' value encoding.</summary>
    protected virtual ParquetEncoding WriteDictionaryPage(ColumnChunkWriter writer, PageBodyBuffer body) => ParquetEncoding.Plain;

    /// <summary>Appends present values [start, start + count) in the chunk's value encoding.</summary>
    protected abstract void WriteValues(int start, int count, PageBodyBuffer body);

    private void AddLevel(byte level)
    {
        if (RowCount == _levels.Length)
        {
            Array.Resize(ref _levels, _levels.Length * 2);
        }

        _levels[RowCount++] = level;
    }
}
