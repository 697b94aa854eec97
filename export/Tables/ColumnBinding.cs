using BinderTrace.Export.Parquet;

namespace BinderTrace.Export.Tables;

/// <summary>
/// A column buffer together with the getter that feeds it from rows. Rows arrive a chunk at a time and are
/// appended column by column, so each column's getter runs in one tight loop.
/// </summary>
internal abstract class ColumnBinding<TRow>(ColumnBuffer buffer)
{
    public ColumnBuffer Buffer { get; } = buffer;

    /// <summary>Appends the cells of <paramref name="rows"/>, which are rows <paramref name="firstRow"/>… of the page being built.</summary>
    public abstract void AppendAll(ReadOnlySpan<TRow> rows, int firstRow);

    /// <summary>Appends the cells of the rows at the ascending indexes <paramref name="present"/>; the other rows stay null.</summary>
    public abstract void AppendSome(ReadOnlySpan<TRow> rows, ReadOnlySpan<int> present, int firstRow);
}

/// <summary>A getter that always yields a value (for optional columns: in the row classes the column is present in).</summary>
internal sealed class RequiredBinding<TRow, T>(ValueColumnBuffer<T> values, ColumnValue<TRow, T> value) : ColumnBinding<TRow>(values)
    where T : unmanaged
{
    public override void AppendAll(ReadOnlySpan<TRow> rows, int firstRow)
    {
        var target = values.AppendAll(firstRow, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            target[i] = value(in rows[i]);
        }
    }

    public override void AppendSome(ReadOnlySpan<TRow> rows, ReadOnlySpan<int> present, int firstRow)
    {
        var target = values.AppendAt(firstRow, present);
        for (var i = 0; i < present.Length; i++)
        {
            target[i] = value(in rows[present[i]]);
        }
    }
}

internal sealed class OptionalBinding<TRow, T>(ValueColumnBuffer<T> values, OptionalColumnValue<TRow, T> value) : ColumnBinding<TRow>(values)
    where T : unmanaged
{
    public override void AppendAll(ReadOnlySpan<TRow> rows, int firstRow)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            if (value(in rows[i], out var v))
            {
                values.AppendAt(firstRow + i, v);
            }
        }
    }

    public override void AppendSome(ReadOnlySpan<TRow> rows, ReadOnlySpan<int> present, int firstRow)
    {
        foreach (var i in present)
        {
            if (value(in rows[i], out var v))
            {
                values.AppendAt(firstRow + i, v);
            }
        }
    }
}

internal sealed class StringBinding<TRow>(StringColumnBuffer strings, ColumnValue<TRow, string?> value) : ColumnBinding<TRow>(strings)
{
    public override void AppendAll(ReadOnlySpan<TRow> rows, int firstRow)
    {
        if (strings.Column.Optional)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                Append(firstRow + i, value(in rows[i]));
            }

            return;
        }

        strings.MarkRows(firstRow, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            strings.AppendValue(value(in rows[i]) ?? throw strings.RequiredNull());
        }
    }

    public override void AppendSome(ReadOnlySpan<TRow> rows, ReadOnlySpan<int> present, int firstRow)
    {
        foreach (var i in present)
        {
            Append(firstRow + i, value(in rows[i]));
        }
    }

    private void Append(int row, string? v)
    {
        if (v is not null)
        {
            strings.AppendAt(row, v);
        }
        else if (!strings.Column.Optional)
        {
            throw strings.RequiredNull();
        }
    }
}

/// <summary>
/// A string that is the same for all the rows appended at a time (a label of the trace being written, <see cref="TraceLabels"/>):
/// read once per chunk and stored for its rows in one go.
/// </summary>
internal sealed class LabelBinding<TRow>(StringColumnBuffer strings, Func<string> value) : ColumnBinding<TRow>(strings)
{
    public override void AppendAll(ReadOnlySpan<TRow> rows, int firstRow) => strings.AppendRepeated(firstRow, rows.Length, value());

    public override void AppendSome(ReadOnlySpan<TRow> rows, ReadOnlySpan<int> present, int firstRow)
    {
        var label = value();
        foreach (var i in present)
        {
            strings.AppendAt(firstRow + i, label);
        }
    }
}
