using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>One reader's view of a Parquet file or dataset, as printed by tests/interop/summarize.mjs.</summary>
public sealed record ReaderSummary(
    string Reader,
    long Rows,
    IReadOnlyDictionary<string, ColumnSummary> Columns,
    IReadOnlyDictionary<string, string> Types,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyDictionary<string, string> Encodings,
    string? CreatedBy,
    int? RowGroups);

/// <summary>Non-null count, and sum / min / max as exact decimal strings (null where not applicable).</summary>
public sealed record ColumnSummary(long Count, string? Sum, string? Min, string? Max);

/// <summary>
/// The independent Parquet readers: DuckDB in-process (<see cref="DuckDbReader"/>), hyparquet and parquet-wasm
/// through Node.js, one long-lived <c>summarize.mjs --serve</c> process per reader for the whole test run, asked one
/// file at a time (starting node and loading a reader per query made these tests minutes long). The npm packages
/// are pinned in tests/interop/package-lock.json; a missing install or a missing node is a test failure, never a skip.
/// </summary>
public static class InteropReaders
{
    public const string DuckDb = DuckDbReader.Name;
    public const string Hyparquet = "hyparquet";
    public const string ParquetWasm = "parquet-wasm";

    public static readonly string[] All = [DuckDb, Hyparquet, ParquetWasm];

    private static readonly Dictionary<string, NodeReaderProcess> Processes = new(StringComparer.Ordinal);

    public static string InteropDirectory => Path.Combine(RepositoryPaths.Root, "tests", "interop");

    public static ReaderSummary Summarize(string reader, string path)
    {
        if (reader == DuckDb)
        {
            return DuckDbReader.Summarize(path);
        }

        var request = JsonSerializer.Serialize(new Dictionary<string, string> { ["reader"] = reader, ["path"] = path });
        return Parse(ProcessFor(reader).Ask(request, $"{reader} on {path}"));
    }

    private static NodeReaderProcess ProcessFor(string reader)
    {
        var modules = Path.Combine(InteropDirectory, "node_modules");
        if (!Directory.Exists(Path.Combine(modules, "hyparquet")) || !Directory.Exists(Path.Combine(modules, "parquet-wasm")))
        {
            Assert.Fail($"The Parquet interop readers are not installed in {modules}. Run `npm install --prefix tests/interop` from the repository root (versions pinned by its package-lock.json).");
        }

        lock (Processes)
        {
            if (!Processes.TryGetValue(reader, out var process))
            {
                process = new NodeReaderProcess(Path.Combine(InteropDirectory, "summarize.mjs"));
                Processes[reader] = process;
            }

            return process;
        }
    }

    private static ReaderSummary Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var columns = new Dictionary<string, ColumnSummary>();
        foreach (var column in root.GetProperty("columns").EnumerateObject())
        {
            var c = column.Value;
            columns[column.Name] = new ColumnSummary(
                c.GetProperty("count").GetInt64(), Text(c, "sum"), Text(c, "min"), Text(c, "max"));
        }

        return new ReaderSummary(
            root.GetProperty("reader").GetString()!,
            root.GetProperty("rows").GetInt64(),
            columns,
            Strings(root, "types"),
            Strings(root, "metadata"),
            Strings(root, "encodings"),
            root.TryGetProperty("createdBy", out var createdBy) ? createdBy.GetString() : null,
            root.TryGetProperty("rowGroups", out var rowGroups) ? rowGroups.GetInt32() : null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    private static Dictionary<string, string> Strings(JsonElement root, string name)
    {
        var result = new Dictionary<string, string>();
        if (root.TryGetProperty(name, out var obj))
        {
            foreach (var p in obj.EnumerateObject())
            {
                result[p.Name] = p.Value.ToString();
            }
        }

        return result;
    }
}
