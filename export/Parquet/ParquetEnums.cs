namespace BinderTrace.Export.Parquet;

/// <summary>Parquet physical types (parquet.thrift <c>Type</c>).</summary>
internal enum PhysicalType
{
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    Double = 5,
    ByteArray = 6,
}

/// <summary>Parquet <c>Encoding</c> values this writer emits.</summary>
internal enum ParquetEncoding
{
    Plain = 0,
    Rle = 3,
    DeltaBinaryPacked = 5,
    RleDictionary = 8,
}

/// <summary>Parquet <c>PageType</c> values this writer emits.</summary>
internal enum PageType
{
    DataPage = 0,
    DictionaryPage = 2,
}

/// <summary>Page compression, with the values of parquet.thrift <c>CompressionCodec</c>.</summary>
public enum ParquetCompression
{
    None = 0,
    Gzip = 2,
    Brotli = 4,
    Zstd = 6,
}

/// <summary>
/// The logical column types a table can declare; each maps to one physical type plus the annotations
/// FORMATS.md §4.5 prescribes.
/// </summary>
internal enum ColumnType
{
    Int32,
    Int64,

    /// <summary>INT32 annotated INTEGER(32, unsigned) / UINT_32.</summary>
    UInt32,

    /// <summary>INT64 annotated INTEGER(64, unsigned) / UINT_64: kernel pointers and size_t values.</summary>
    UInt64,
    Double,
    Boolean,

    /// <summary>BYTE_ARRAY annotated STRING and UTF8.</summary>
    String,

    /// <summary>INT64 annotated TIMESTAMP(isAdjustedToUTC=false, NANOS): trace clocks are not UTC instants.</summary>
    TimestampNanos,

    /// <summary>INT64 annotated TIMESTAMP(isAdjustedToUTC=false, MICROS) and TIMESTAMP_MICROS: the timestamp every engine reads.</summary>
    TimestampMicros,
}

/// <summary>How the exported tables write their timestamp columns (<c>export --timestamps</c>).</summary>
public enum TimestampColumns
{
    /// <summary>Each <c>X_ns</c> column is TIMESTAMP(NANOS): exact, one column, read as a timestamp by DuckDB, pyarrow, Polars, Trino and Parquet.Net.</summary>
    Nanos,

    /// <summary>
    /// Each <c>X_ns</c> column is a plain INT64 of nanoseconds (exact) and is followed by <c>X_us</c>, TIMESTAMP(MICROS)
    /// truncated to the microsecond: no NANOS annotation anywhere, for Spark, BigQuery, Hive and older Trino.
    /// </summary>
    MicrosWithNanos,
}
