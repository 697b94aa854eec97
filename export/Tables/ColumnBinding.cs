using BinderTrace.Export.Parquet;

namespace BinderTrace.Export.Tables;

/// <summary>A column buffer together with the getter that feeds it from rows.</summary>
internal abstract class ColumnBinding<TRow>(ColumnBuffer buffer)
{
    public ColumnBuffer Buffer { get; } = buffer;

    public abstract void Append(in TRow row);
}

/// <summary>A getter that always yields a value (for optional columns: in the row classes the column is present in).</summary>
internal sealed class RequiredBinding<TRow, T>(ColumnBuffer buffer, ColumnValue<TRow, T> value) : ColumnBinding<TRow>(buffer)
{
    private readonly IValueBuffer<T> _values = (IValueBuffer<T>)buffer;

    public override void Append(in TRow row) => _values.Append(value(in row));
}

internal sealed class OptionalBinding<TRow, T>(ColumnBuffer buffer, OptionalColumnValue<TRow, T> value) : ColumnBinding<TRow>(buffer)
{
    private readonly IValueBuffer<T> _values = (IValueBuffer<T>)buffer;

    public override void Append(in TRow row)
    {
        if (value(in row, out var v))
        {
            _values.Append(v);
        }
        else
        {
            Buffer.AppendNull();
        }
    }
}

internal sealed class StringBinding<TRow>(StringColumnBuffer strings, ColumnValue<TRow, string?> value) : ColumnBinding<TRow>(strings)
{
    private readonly StringColumnBuffer _strings = strings;

    public override void Append(in TRow row)
    {
        var v = value(in row);
        if (v is null)
        {
            _strings.AppendNull();
        }
        else
        {
            _strings.Append(v);
        }
    }
}
