using BinderTrace.Export.Parquet;

namespace BinderTrace.Export;

/// <summary>
/// The command-line spellings of tables, partition keys and codecs. Unknown names are an
/// <see cref="ArgumentException"/> whose message lists what is accepted.
/// </summary>
public static class ExportSelection
{
    private static readonly (string Name, ExportTables Table)[] TableNames =
    [
        ("events", ExportTables.Events),
        ("page_intervals", ExportTables.PageIntervals),
        ("mmap_lock_holds", ExportTables.LockHolds),
        ("mmap_lock_waits", ExportTables.LockWaits),
        ("transactions", ExportTables.Transactions),
        ("summary", ExportTables.Summary),
        ("all", ExportTables.All),
    ];

    public static IEnumerable<string> TableChoices => TableNames.Select(t => t.Name);

    /// <summary>Comma-separated (or repeated) table names, e.g. "events,mmap_lock_holds".</summary>
    public static ExportTables ParseTables(IEnumerable<string> values)
    {
        var tables = ExportTables.None;
        foreach (var name in Split(values))
        {
            var match = Array.Find(TableNames, t => t.Name == name);
            if (match.Name is null)
            {
                throw new ArgumentException($"unknown table '{name}'; expected {string.Join(", ", TableChoices)}");
            }

            tables |= match.Table;
        }

        return tables == ExportTables.None ? ExportTables.All : tables;
    }

    /// <summary>"kernel", "source" or "kernel,source" (folder nesting follows the order given).</summary>
    public static IReadOnlyList<PartitionKey> ParsePartitionKeys(IEnumerable<string> values)
    {
        var keys = new List<PartitionKey>();
        foreach (var name in Split(values))
        {
            var key = name switch
            {
                "kernel" => PartitionKey.Kernel,
                "source" => PartitionKey.Source,
                _ => throw new ArgumentException($"unknown partition key '{name}'; expected kernel, source"),
            };
            if (keys.Contains(key))
            {
                throw new ArgumentException($"partition key '{name}' given twice");
            }

            keys.Add(key);
        }

        return keys;
    }

    public static ParquetCompression ParseCompression(string value) => value switch
    {
        "none" => ParquetCompression.None,
        "gzip" => ParquetCompression.Gzip,
        "brotli" => ParquetCompression.Brotli,
        "zstd" => ParquetCompression.Zstd,
        _ => throw new ArgumentException($"unknown compression '{value}'; expected none, gzip, brotli, zstd"),
    };

    private static IEnumerable<string> Split(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToLowerInvariant());
}
