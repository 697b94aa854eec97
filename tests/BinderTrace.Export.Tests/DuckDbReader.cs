using System.Globalization;
using DuckDB.NET.Data;

namespace BinderTrace.Tests;

/// <summary>
/// DuckDB in-process (DuckDB.NET, the engine's own C library): the summary shape of <see cref="InteropReaders"/>
/// for a Parquet file or a Hive-partitioned folder of them, and plain queries. Every aggregate is cast to text in
/// SQL, so the numbers are DuckDB's own exact renderings (timestamps of either unit as <c>epoch_ns</c>).
/// One in-memory database serves the whole run; DuckDB connections are not shared across threads, so queries
/// take turns.
/// </summary>
public static class DuckDbReader
{
    public const string Name = "duckdb";

    private static readonly Lock Gate = new();
    private static DuckDBConnection? _connection;

    public static ReaderSummary Summarize(string path)
    {
        var isDir = Directory.Exists(path);
        var source = isDir ? $"read_parquet('{path}/**/*.parquet', hive_partitioning = true)" : $"read_parquet('{path}')";
        var types = Query($"DESCRIBE SELECT * FROM {source}").ToDictionary(r => r["column_name"]!, r => r["column_type"]!);
        var expressions = new List<string>();
        foreach (var (name, type) in types)
        {
            var c = $"\"{name}\"";
            var v = type is "TIMESTAMP_NS" or "TIMESTAMP" ? $"epoch_ns({c})" : c;
            expressions.AddRange(type switch
            {
                "BOOLEAN" => [$"count({c})::VARCHAR", $"sum({c}::INTEGER)::VARCHAR", "NULL", "NULL"],
                "VARCHAR" => [$"count({c})::VARCHAR", "NULL", $"min({c})", $"max({c})"],
                _ => [$"count({c})::VARCHAR", $"sum({v})::VARCHAR", $"min({v})::VARCHAR", $"max({v})::VARCHAR"],
            });
        }

        var row = Query($"SELECT count(*)::VARCHAR AS n, {string.Join(", ", expressions.Select((e, i) => $"{e} AS a{i}"))} FROM {source}").Single();
        var columns = new Dictionary<string, ColumnSummary>();
        var index = 0;
        foreach (var name in types.Keys)
        {
            columns[name] = new ColumnSummary(
                long.Parse(row[$"a{index}"]!, CultureInfo.InvariantCulture), row[$"a{index + 1}"], row[$"a{index + 2}"], row[$"a{index + 3}"]);
            index += 4;
        }

        var metadata = new Dictionary<string, string>();
        var encodings = new Dictionary<string, string>();
        int? rowGroups = null;
        if (!isDir)
        {
            rowGroups = int.Parse(Query($"SELECT count(DISTINCT row_group_id)::VARCHAR AS n FROM parquet_metadata('{path}')").Single()["n"]!, CultureInfo.InvariantCulture);
            foreach (var kv in Query($"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('{path}')"))
            {
                metadata[kv["k"]!] = kv["v"]!;
            }

            foreach (var e in Query($"SELECT path_in_schema AS p, string_agg(DISTINCT encodings, ',') AS e FROM parquet_metadata('{path}') GROUP BY 1"))
            {
                encodings[e["p"]!] = e["e"]!;
            }
        }

        return new ReaderSummary(Name, long.Parse(row["n"]!, CultureInfo.InvariantCulture), columns, types, metadata, encodings, null, rowGroups);
    }

    /// <summary>The rows of one statement, each value as DuckDB's text rendering (null stays null).</summary>
    public static List<Dictionary<string, string?>> Query(string sql)
    {
        lock (Gate)
        {
            if (_connection is null)
            {
                _connection = new DuckDBConnection("DataSource=:memory:");
                _connection.Open();
            }

            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, string?>>();
            while (reader.Read())
            {
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                }

                rows.Add(row);
            }

            return rows;
        }
    }
}
