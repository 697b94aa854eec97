using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Export.Parquet;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Parquet.Net 6.1 as a fourth reader: the default export (what <c>bindertrace export T -o DIR</c> writes) must
/// open with the file's own schema in Parquet.Net, DuckDB, hyparquet and parquet-wasm alike. T is the real 6.12
/// light capture; counts from the text with the shell commands beside them.
/// </summary>
[Trait("Category", "Interop")]
public sealed class ParquetNetInteropTests
{
    private static readonly string Trace = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");

    private static readonly string[] Tables = ["events", "page_intervals", "mmap_lock_holds", "mmap_lock_waits", "transactions", "summary"];

    [Fact]
    public void Default_export_is_read_by_parquet_net_and_agrees_with_duckdb_on_every_column()
    {
        using var dir = new TempDirectory();
        Export(dir.Path, new ParquetWriterOptions { Compression = ParquetCompression.Zstd, RowGroupRows = 3000 });

        foreach (var table in Tables)
        {
            var path = dir.File(table + ".parquet");
            var net = ParquetNetReader.Summarize(path);
            var duck = InteropReaders.Summarize(InteropReaders.DuckDb, path);
            Assert.Equal(duck.Rows, net.Rows);
            Assert.Equal(duck.Rows, InteropReaders.Summarize(InteropReaders.Hyparquet, path).Rows);
            Assert.Equal(duck.Rows, InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Rows);
            foreach (var (name, column) in duck.Columns)
            {
                Assert.True(net.Columns[name].Count == column.Count, $"{table}.{name}: Parquet.Net counts {net.Columns[name].Count}, DuckDB {column.Count}");
                if (duck.Types[name] is "INTEGER" or "BIGINT" or "UINTEGER" or "UBIGINT")
                {
                    // Integers (dictionary-encoded in the events table): the same count, sum, min and max in both readers.
                    Assert.Equal((table, name, column), (table, name, net.Columns[name]));
                }

                if (name.EndsWith("_ns", StringComparison.Ordinal) && net.Types[name] == nameof(DateTime))
                {
                    // Timestamps: Parquet.Net gives DateTime (100 ns ticks); these traces print µs, so min and max stay exact.
                    Assert.Equal((column.Min, column.Max), (net.Columns[name].Min, net.Columns[name].Max));
                }
            }
        }

        var events = ParquetNetReader.Summarize(dir.File("events.parquet"));
        Assert.Equal(7796, events.Rows);                                    // zcat T | grep -vc '^#'
        Assert.Equal(("4915729000", "5942405000"), (events.Columns["ts_ns"].Min, events.Columns["ts_ns"].Max)); // first and last timestamp of T
        Assert.Equal("6.12", events.Columns["kernel"].Min);
    }

    /// <summary>The smaller DELTA_BINARY_PACKED timestamps stay available (<c>export --delta-timestamps</c>); Parquet.Net cannot decode them.</summary>
    [Fact]
    public void Delta_timestamps_are_read_by_duckdb_and_refused_by_parquet_net()
    {
        using var dir = new TempDirectory();
        Export(dir.Path, new ParquetWriterOptions { DeltaTimestamps = true });
        var path = dir.File("events.parquet");

        var duck = InteropReaders.Summarize(InteropReaders.DuckDb, path);

        Assert.Equal("4915729000", duck.Columns["ts_ns"].Min);
        Assert.Contains("DELTA_BINARY_PACKED", duck.Encodings["ts_ns"]);
        var error = Assert.Throws<InvalidDataException>(() => ParquetNetReader.Summarize(path));
        Assert.IsType<NotSupportedException>(error.InnerException);
    }

    private static void Export(string folder, ParquetWriterOptions writer) =>
        new TraceExporter(
            new ExportOptions { OutputDirectory = folder, Kernel = "6.12", Writer = writer }).Export([Trace]);
}
