using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Export.Parquet;
using BinderTrace.Parsers;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

/// <summary>
/// <c>export --timestamps micros</c> (issue 16): every time as an exact INT64 <c>X_ns</c> plus a TIMESTAMP(MICROS)
/// <c>X_us</c> beside it, and no TIMESTAMP(NANOS) anywhere, which Spark before SPARK-44988, BigQuery, Hive and older
/// Trino cannot read. Read back by DuckDB, hyparquet, parquet-wasm and Parquet.Net, each with the file's own schema.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MicrosTimestampExportTests
{
    private static readonly ParquetWriterOptions Micros = new() { Timestamps = TimestampColumns.MicrosWithNanos };

    [Fact]
    public void Nanosecond_times_keep_their_exact_integer_and_get_a_microsecond_timestamp_floored_beside_it()
    {
        using var dir = new TempDirectory();
        var trace = dir.File("hand-made.txt");
        File.WriteAllText(trace, "hand-made events\n");
        new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out"), Tables = ExportTables.Events | ExportTables.LockHolds, Writer = Micros },
            new TracePassOptions { Reader = (_, _, _) => new ListEventSource(new TraceSourceInfo { SourceName = trace, Format = TraceFormat.FtraceText }, Events()) },
            analysis: null,
            OneHold.Analysis).Export([trace]);
        var events = dir.File("out/events.parquet");
        var holds = dir.File("out/mmap_lock_holds.parquet");

        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var e = InteropReaders.Summarize(reader, events);
            Assert.Equal(12, e.Rows);
            // ts = 1_000_000_001 + k × 1_000_003 ns, k = 0..11: sum 12 × 1_000_000_001 + 66 × 1_000_003.
            Assert.Equal(new ColumnSummary(12, "12066000210", "1000000001", "1011000034"), e.Columns["ts_ns"]);
            // Floored to µs: 1_000_000 + 1000 k µs (the sub-µs part 1 + 3k stays below 1000); the summary gives µs × 1000.
            // Sum 12 × 1_000_000_000 + 66 × 1_000_000 ns.
            Assert.Equal(new ColumnSummary(12, "12066000000", "1000000000", "1011000000"), e.Columns["ts_us"]);

            var h = InteropReaders.Summarize(reader, holds);
            Assert.Equal(new ColumnSummary(1, "1999999", "1999999", "1999999"), h.Columns["start_ns"]);
            Assert.Equal(new ColumnSummary(1, "1999000", "1999000", "1999000"), h.Columns["start_us"]);   // 1999.999 µs → 1999 µs
            Assert.Equal(new ColumnSummary(1, "2000999", "2000999", "2000999"), h.Columns["end_ns"]);
            Assert.Equal(new ColumnSummary(1, "2000000", "2000000", "2000000"), h.Columns["end_us"]);     // 2000.999 µs → 2000 µs
            Assert.Equal(new ColumnSummary(1, "1000", "1000", "1000"), h.Columns["duration_ns"]);
        }

        var duck = InteropReaders.Summarize(InteropReaders.DuckDb, events);
        Assert.Equal(("BIGINT", "TIMESTAMP"), (duck.Types["ts_ns"], duck.Types["ts_us"]));
        Assert.Equal(new[] { "ts_ns", "ts_us" }, duck.Types.Keys.Where(k => k.StartsWith("ts_", StringComparison.Ordinal)));  // side by side, in this order
        Assert.Equal(12, InteropReaders.Summarize(InteropReaders.ParquetWasm, events).Rows);
        // What Spark and Hive look at: the µs column carries the legacy TIMESTAMP_MICROS beside the local (not UTC)
        // logical type, as LogicalTypes.md asks of writers; the exact ns column is a bare INT64.
        var schema = DuckDbReader.Query($"SELECT name, converted_type, logical_type FROM parquet_schema('{events}') WHERE name LIKE 'ts_%' ORDER BY name");
        Assert.Equal(("ts_ns", null, null), (schema[0]["name"], schema[0]["converted_type"], schema[0]["logical_type"]));
        Assert.Equal(("ts_us", "TIMESTAMP_MICROS"), (schema[1]["name"], schema[1]["converted_type"]));
        Assert.Matches("isAdjustedToUTC=(0|false).*MICROS", schema[1]["logical_type"]);

        var net = ParquetNetReader.Summarize(events);
        Assert.Equal((nameof(Int64), nameof(DateTime)), (net.Types["ts_ns"], net.Types["ts_us"]));
        Assert.Equal(("1000000001", "1011000034"), (net.Columns["ts_ns"].Min, net.Columns["ts_ns"].Max));
        Assert.Equal(("1000000000", "1011000000"), (net.Columns["ts_us"].Min, net.Columns["ts_us"].Max));
    }

    /// <summary>
    /// The real 6.12 light capture, every table: four readers open each file, no column is TIMESTAMP_NS, and each
    /// <c>X_us</c> equals its <c>X_ns</c> (the capture prints µs, so flooring loses nothing here).
    /// </summary>
    [Fact]
    public void Every_table_of_a_real_capture_is_read_by_four_readers_with_no_nanosecond_timestamp_left()
    {
        using var dir = new TempDirectory();
        new TraceExporter(
            new ExportOptions { OutputDirectory = dir.Path, Kernel = "6.12", Writer = Micros with { Compression = ParquetCompression.Gzip } }).Export([RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light")]);

        foreach (var table in new[] { "events", "page_intervals", "mmap_lock_holds", "mmap_lock_waits", "transactions", "summary" })
        {
            var path = dir.File(table + ".parquet");
            var duck = InteropReaders.Summarize(InteropReaders.DuckDb, path);
            var hyparquet = InteropReaders.Summarize(InteropReaders.Hyparquet, path);
            var net = ParquetNetReader.Summarize(path);
            Assert.DoesNotContain(duck.Types, t => t.Value == "TIMESTAMP_NS");
            Assert.Equal((duck.Rows, duck.Rows, duck.Rows), (hyparquet.Rows, net.Rows, InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Rows));
            var micros = duck.Types.Where(t => t.Value == "TIMESTAMP").Select(t => t.Key).ToList();
            Assert.NotEmpty(micros);
            foreach (var us in micros)
            {
                var ns = us[..^3] + "_ns";
                Assert.Equal("BIGINT", duck.Types[ns]);
                Assert.Equal(duck.Columns[ns], duck.Columns[us]);
                Assert.Equal(duck.Columns[ns], hyparquet.Columns[us]);
                Assert.Equal((duck.Columns[ns].Min, duck.Columns[ns].Max), (net.Columns[us].Min, net.Columns[us].Max));
            }
        }

        var events = InteropReaders.Summarize(InteropReaders.DuckDb, dir.File("events.parquet"));
        Assert.Equal(7796, events.Rows);                                                          // zcat T | grep -vc '^#'
        Assert.Equal(("4915729000", "5942405000"), (events.Columns["ts_us"].Min, events.Columns["ts_us"].Max)); // first and last timestamp of T
    }

    private static IEnumerable<TraceEvent> Events() =>
        Enumerable.Range(0, 12).Select(k => TraceEvent.ForGeneric(new EventHeader(1_000_000_001 + (k * 1_000_003L), 0, 1, 1, "x"), "e", ""));

    /// <summary>An analysis that emits one hand-made hold at the end of the trace, and a genuine report of an empty trace.</summary>
    private sealed class OneHold(IAnalysisSink sink) : ITraceEventConsumer
    {
        private TraceReport? _report;

        public static TraceExporter.ExportAnalysis Analysis(IAnalysisSink sink)
        {
            var hold = new OneHold(sink);
            return new TraceExporter.ExportAnalysis(hold, () => hold._report!);
        }

        public void OnEvents(ReadOnlySpan<TraceEvent> batch)
        {
        }

        public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
        {
            sink.OnLockHold(new MmapLockHold(1, "binder", 0xabc, LockMode.Write, Binder: true, 1_999_999, 2_000_999));
            _report = TraceAnalyzer.Analyze(new ListEventSource(info, []));
        }
    }
}
