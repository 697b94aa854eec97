using BinderTrace.Export.Parquet;

namespace BinderTrace.Export;

/// <summary>The tables <c>bindertrace export</c> can write.</summary>
[Flags]
public enum ExportTables
{
    None = 0,
    Events = 1 << 0,
    PageIntervals = 1 << 1,
    LockHolds = 1 << 2,
    LockWaits = 1 << 3,
    Transactions = 1 << 4,

    /// <summary>One row per trace with the report's headline metrics.</summary>
    Summary = 1 << 5,

    /// <summary>The tables produced by the analysis (everything but <see cref="Events"/>).</summary>
    Analysis = PageIntervals | LockHolds | LockWaits | Transactions | Summary,
    All = Events | Analysis,
}

/// <summary>Keys of a Hive-style partitioned export: <c>DIR/&lt;table&gt;/kernel=…/source=…/part-N.parquet</c>.</summary>
public enum PartitionKey
{
    Kernel,
    Source,
}

/// <summary>What to export and where.</summary>
public sealed record ExportOptions
{
    public required string OutputDirectory { get; init; }

    public ExportTables Tables { get; init; } = ExportTables.All;

    /// <summary>Empty: one file per table (<c>DIR/&lt;table&gt;.parquet</c>) holding every trace.</summary>
    public IReadOnlyList<PartitionKey> PartitionBy { get; init; } = [];

    public ParquetWriterOptions Writer { get; init; } = ParquetWriterOptions.Default;

    /// <summary>Kernel label for every trace of this export; otherwise the source's own label, else "unknown".</summary>
    public string? Kernel { get; init; }
}

/// <summary>One committed Parquet file.</summary>
public sealed record ExportedFile(string Table, string Path, long Rows, long Bytes);
