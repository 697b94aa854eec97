using System.Numerics;
using System.Runtime.CompilerServices;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// The values of one column for the page being built. Optional columns keep one definition level per row as a bit
/// (1 = present, 0 = null) and store only present values. <see cref="WritePage"/> encodes the page into the
/// column's <see cref="ColumnChunkWriter"/> and empties the buffer; <see cref="EndChunk"/> closes the row group's chunk.
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>The definition levels: bit i of word i / 64 is row i's. Bits past <see cref="RowCount"/> are zero.</summary>
    private ulong[] _present;

    protected ColumnBuffer(ParquetColumn column)
    {
        Column = column;
        _present = column.Optional ? new ulong[16] : [];
    }

    public ParquetColumn Column { get; }

    public int RowCount { get; private set; }

    /// <summary>Bytes of data buffered for this page and chunk (not capacity, which is kept), for the writer's memory bound.</summary>
    public long EstimatedBytes => (Column.Optional ? RowCount / 8 : 0) + ValueBytes;

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
            var present = _present.AsSpan(0, WordsFor(RowCount));
            values = 0;
            foreach (var word in present)
            {
                values += BitOperations.PopCount(word);
            }

            nulls = RowCount - values;
            ColumnChunkWriter.WriteDefinitionLevels(present, RowCount, body);
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
            _present[row >> 6] |= 1UL << row;
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
            SetPresent(firstRow, count);
        }

        RowCount = firstRow + count;
    }

    /// <summary>
    /// Records that the rows <paramref name="firstRow"/> + each of <paramref name="offsets"/> (ascending) hold values and
    /// the rows between them are nulls: one check and one level-array growth for a chunk's rows instead of one per value.
    /// </summary>
    protected void MarkPresent(int firstRow, ReadOnlySpan<int> offsets)
    {
        if (offsets.IsEmpty)
        {
            return;
        }

        CheckNext(firstRow + offsets[0]);
        var end = firstRow + offsets[^1] + 1;
        if (Column.Optional)
        {
            EnsureLevels(end);
            var present = _present;
            foreach (var offset in offsets)
            {
                var row = firstRow + offset;
                present[row >> 6] |= 1UL << row;
            }
        }
        else if (end - firstRow - offsets[0] != offsets.Length)
        {
            throw RequiredNull();
        }

        RowCount = end;
    }

    /// <summary>Appends the page's <paramref name="count"/> present values and returns their encoding.</summary>
    protected abstract ParquetEncoding WriteValues(int count, PageBodyBuffer body);

    /// <summary>Empties the buffer for the next page.</summary>
    protected virtual void ResetPage()
    {
        // Restore the all-null invariant of the level array that PadNulls relies on.
        Array.Clear(_present, 0, Column.Optional ? WordsFor(RowCount) : 0);
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

    private static int WordsFor(int rows) => (rows + 63) >> 6;

    private void EnsureLevels(int rows)
    {
        var words = WordsFor(rows);
        if (words > _present.Length)
        {
            Array.Resize(ref _present, Math.Max(words, _present.Length * 2));
        }
    }

    private void SetPresent(int firstRow, int count)
    {
        var end = firstRow + count;
        for (var row = firstRow; row < end;)
        {
            var word = row >> 6;
            var bit = row & 63;
            var take = Math.Min(64 - bit, end - row);
            var mask = take == 64 ? ~0UL : ((1UL << take) - 1) << bit;
            _present[word] |= mask;
            row += take;
        }
    }
}
