using System.Runtime.CompilerServices;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// The values of one column for the page being built. Optional columns keep one definition level per row
/// (1 = present, 0 = null) and store only present values. <see cref="WritePage"/> encodes the page into the
/// column's <see cref="ColumnChunkWriter"/> and empties the buffer; <see cref="EndChunk"/> closes the row group's chunk.
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

    /// <summary>Bytes of data buffered for this page and chunk (not capacity, which is kept), for the writer's memory bound.</summary>
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

    /// <summary>Encodes the buffered rows as one data page of <paramref name="chunk"/> and empties the buffer for the next page.</summary>
    public void WritePage(ColumnChunkWriter chunk, PageBodyBuffer body)
    {
        body.Clear();
        var values = RowCount;
        var nulls = 0;
        if (Column.Optional)
        {
            var levels = _levels.AsSpan(0, RowCount);
            values = levels.Count((byte)1);
            nulls = RowCount - values;
            ColumnChunkWriter.WriteDefinitionLevels(levels, body);
        }

        var encoding = WriteValues(values, body);
        chunk.WriteDataPage(body.WrittenSpan, RowCount, nulls, encoding);
        ResetPage();
    }

    /// <summary>Ends the row group's chunk after its last page: a dictionary-encoded column gives its dictionary page here.</summary>
    public virtual void EndChunk(ColumnChunkWriter chunk)
    {
    }

    /// <summary>The error for a null in a required column.</summary>
    public InvalidOperationException RequiredNull() => new($"Column '{Column.Name}' is required and cannot hold a null.");

    /// <summary>
    /// Records that row <paramref name="row"/> holds a value; rows skipped since the last value are nulls.
    /// Typed subclasses call it next to storing the value.
    /// </summary>
    protected void MarkPresent(int row)
    {
        CheckNext(row);
        if (Column.Optional)
        {
            EnsureLevels(row + 1);
            _levels[row] = 1;
        }

        RowCount = row + 1;
    }

    /// <summary>Records that the rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="count"/>) all hold values.</summary>
    protected void MarkPresent(int firstRow, int count)
    {
        CheckNext(firstRow);
        if (Column.Optional)
        {
            EnsureLevels(firstRow + count);
            _levels.AsSpan(firstRow, count).Fill(1);
        }

        RowCount = firstRow + count;
    }

    /// <summary>Appends the page's <paramref name="count"/> present values and returns their encoding.</summary>
    protected abstract ParquetEncoding WriteValues(int count, PageBodyBuffer body);

    /// <summary>Empties the buffer for the next page.</summary>
    protected virtual void ResetPage()
    {
        // Restore the all-null invariant of the level array that PadNulls relies on.
        Array.Clear(_levels, 0, Column.Optional ? RowCount : 0);
        RowCount = 0;
    }

    /// <summary>Values come in row order, and a required column cannot skip a row (that would be a null).</summary>
    private void CheckNext(int row)
    {
        // Runs once per value: the check stays small enough to inline, the messages are built elsewhere.
        if (row < RowCount || (row != RowCount && !Column.Optional))
        {
            throw OutOfOrder(row);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private InvalidOperationException OutOfOrder(int row) => row < RowCount
        ? new InvalidOperationException($"Column '{Column.Name}': row {row} appended after row {RowCount - 1}.")
        : RequiredNull();

    private void EnsureLevels(int rows)
    {
        if (rows > _levels.Length)
        {
            Array.Resize(ref _levels, Math.Max(rows, _levels.Length * 2));
        }
    }
}
