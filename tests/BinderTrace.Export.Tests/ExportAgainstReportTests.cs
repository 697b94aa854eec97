using System.Text.Json;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Analysis.Stats;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Export.Parquet;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 6's CI check: every table of an exported real fixture, read by each independent reader, agrees with
/// what <c>stats --json</c> and <c>report --json</c> say about the same trace. The JSON documents come from the
/// report's own distributions (counts and totals kept while analysing), the tables from the row stream, so the
/// two paths check each other.
/// </summary>
[Trait("Category", "Interop")]
public sealed class ExportAgainstReportTests
{
    private static readonly string Fixture = RepositoryPaths.Fixture("ftrace", "6.12.107+deb13-amd64-light.trace.txt.gz");

    [Fact]
    public void Every_table_in_every_reader_matches_stats_and_report_json()
    {
        using var dir = new TempDirectory();
        new TraceExporter(
            new ExportOptions { OutputDirectory = dir.Path, Writer = new ParquetWriterOptions { Compression = ParquetCompression.Gzip } }).Export([Fixture]);
        using var stats = StatsJson();
        using var report = ReportJson();
        var holds = report.RootElement.GetProperty("mmap_lock").GetProperty("hold_ns");
        var waits = report.RootElement.GetProperty("mmap_lock").GetProperty("wait_ns");

        foreach (var table in new[] { "events", "page_intervals", "mmap_lock_holds", "mmap_lock_waits", "transactions", "summary" })
        {
            // parquet-wasm decodes whole files into Arrow; tests/interop/summarize.mjs takes only row counts from it.
            var rows = InteropReaders.Summarize(InteropReaders.ParquetWasm, dir.File(table + ".parquet")).Rows;
            Assert.Equal(InteropReaders.Summarize(InteropReaders.DuckDb, dir.File(table + ".parquet")).Rows, rows);
        }

        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var events = InteropReaders.Summarize(reader, dir.File("events.parquet"));
            Assert.Equal(stats.RootElement.GetProperty("event_count").GetInt64(), events.Rows);
            Assert.Equal(stats.RootElement.GetProperty("first_ts_ns").GetInt64().ToString(), events.Columns["ts_ns"].Min);
            Assert.Equal(stats.RootElement.GetProperty("last_ts_ns").GetInt64().ToString(), events.Columns["ts_ns"].Max);

            var holdRows = InteropReaders.Summarize(reader, dir.File("mmap_lock_holds.parquet"));
            Assert.Equal(Count(holds, "read") + Count(holds, "write"), holdRows.Rows);
            Assert.Equal((Total(holds, "read") + Total(holds, "write")).ToString(), holdRows.Columns["duration_ns"].Sum);
            Assert.Equal(Math.Min(Min(holds, "read"), Min(holds, "write")).ToString(), holdRows.Columns["duration_ns"].Min);
            Assert.Equal(Math.Max(Max(holds, "read"), Max(holds, "write")).ToString(), holdRows.Columns["duration_ns"].Max);

            var waitRows = InteropReaders.Summarize(reader, dir.File("mmap_lock_waits.parquet"));
            Assert.Equal(Count(waits, "read") + Count(waits, "write"), waitRows.Rows);
            Assert.Equal((Total(waits, "read") + Total(waits, "write")).ToString(), waitRows.Columns["duration_ns"].Sum);

            var transactions = InteropReaders.Summarize(reader, dir.File("transactions.parquet"));
            Assert.Equal(report.RootElement.GetProperty("transactions").GetProperty("count").GetInt64(), transactions.Rows);

            var intervals = InteropReaders.Summarize(reader, dir.File("page_intervals.parquet"));
            Assert.True(intervals.Rows >= report.RootElement.GetProperty("pages").GetProperty("installs").GetInt64(),
                "every install opens an active interval");

            var summary = InteropReaders.Summarize(reader, dir.File("summary.parquet"));
            Assert.Equal(1, summary.Rows);
            Assert.Equal(report.RootElement.GetProperty("pages").GetProperty("installs").GetInt64().ToString(), summary.Columns["page_installs"].Sum);
        }
    }

    private static long Count(JsonElement distributions, string mode) => distributions.GetProperty(mode).GetProperty("count").GetInt64();

    private static long Total(JsonElement distributions, string mode) => distributions.GetProperty(mode).GetProperty("total").GetInt64();

    private static long Min(JsonElement distributions, string mode) => distributions.GetProperty(mode).GetProperty("min").GetInt64();

    private static long Max(JsonElement distributions, string mode) => distributions.GetProperty(mode).GetProperty("max").GetInt64();

    private static JsonDocument StatsJson()
    {
        using var source = TraceReader.Open(Fixture, ParseOptions.Default);
        var stats = TraceStatistics.Collect(source);
        return Render(json => TraceStatisticsJson.Write(json, stats));
    }

    private static JsonDocument ReportJson()
    {
        using var source = TraceReader.Open(Fixture, ParseOptions.Default);
        var report = TraceAnalyzer.Analyze(source);
        return Render(json => TraceReportJson.Write(json, report));
    }

    private static JsonDocument Render(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return JsonDocument.Parse(buffer.ToArray());
    }
}
