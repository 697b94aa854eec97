namespace BinderTrace.Export.Parquet;

/// <summary>
/// One leaf of a flat Parquet schema. <see cref="Dictionary"/> asks for dictionary encoding (strings and integers),
/// which pays off for low-cardinality values such as event names, comms, cpus and pids.
/// </summary>
internal sealed record ParquetColumn(string Name, ColumnType Type, bool Optional, bool Dictionary = false)
{
    internal PhysicalType Physical => Type switch
    {
        ColumnType.Int32 or ColumnType.UInt32 => PhysicalType.Int32,
        ColumnType.Int64 or ColumnType.UInt64 or ColumnType.TimestampNanos or ColumnType.TimestampMicros => PhysicalType.Int64,
        ColumnType.Double => PhysicalType.Double,
        ColumnType.Boolean => PhysicalType.Boolean,
        ColumnType.String => PhysicalType.ByteArray,
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "unknown column type"),
    };
}
