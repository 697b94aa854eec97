using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Export.Parquet;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Exports a real capture (Debian 6.12, light) through the real parser and analysis, then checks the tables
/// with independent readers against counts taken from the trace text with shell tools. T below is
/// /work/shared/traces/6.12.107+deb13-amd64/light/trace.txt.gz.
/// </summary>
[Trait("Category", "Interop")]
public sealed class RealTraceExportTests
{
    private static readonly string Trace = Path.Combine(
        RepositoryPaths.Root, "..", "shared", "traces", "6.12.107+deb13-amd64", "light", "trace.txt.gz");

    [Fact]
    public void Events_and_summary_of_a_real_trace_match_shell_counts_in_every_reader()
    {
        using var dir = new TempDirectory();
        var exporter = new TraceExporter(
            new ExportOptions
            {
                OutputDirectory = dir.Path,
                Tables = ExportTables.Events | ExportTables.Summary | ExportTables.LockHolds,
                Kernel = "6.12",
                Writer = new ParquetWriterOptions { Compression = ParquetCompression.Gzip, RowGroupRows = 3000 },
            });

        exporter.Export([Trace]);

        var events = dir.File("events.parquet");
        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var s = InteropReaders.Summarize(reader, events);
            Assert.Equal(7796, s.Rows);                                  // zcat T | grep -vc '^#'
            // zcat T | grep -v '^#' | awk '{for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) {print $i; break}}' | sort -n | sed -n '1p;$p'
            Assert.Equal("4915729000", s.Columns["ts_ns"].Min);
            Assert.Equal("5942405000", s.Columns["ts_ns"].Max);
            // zcat T | grep -cE ' binder_(alloc_lru|free_lru|alloc_page|unmap_user|unmap_kernel)_(start|end):'
            Assert.Equal(2054, s.Columns["page_index"].Count);
            Assert.Equal(2054 + 474, s.Columns["proc"].Count);           // + grep -c ' binder_update_page_range:'
            // zcat T | grep -cE ' mmap_lock_' ; zcat T | grep -cE ' mmap_lock_[a-z_]+: .*write=true'
            Assert.Equal(new ColumnSummary(1426, "764", null, null), s.Columns["write"]);
            // zcat T | grep -cE ' mmap_lock_acquire_returned: .*success=true' (every acquire_returned succeeded)
            Assert.Equal(new ColumnSummary(496, "496", null, null), s.Columns["success"]);
            Assert.Equal(new ColumnSummary(1426, null, "/", "/"), s.Columns["memcg_path"]);
            // binder_transaction, _received, _alloc_buf, _buffer_release, txn_latency_free: 177 each
            Assert.Equal(5 * 177, s.Columns["transaction"].Count);
            Assert.Equal(358 + 356 + 303, s.Columns["cmd"].Count);       // binder_command, binder_return, binder_ioctl
            Assert.Equal(303 + 210 + 290, s.Columns["ret"].Count);       // ioctl_done, write_done, read_done
            Assert.Equal(541 + 295, s.Columns["next_pid"].Count);        // sched_switch, sched_wakeup
            Assert.Equal(11, s.Columns["payload"].Count);                // tracing_mark_write; no event fell back to generic
        }

        Assert.Equal(7796, InteropReaders.Summarize(InteropReaders.ParquetWasm, events).Rows);

        var summary = InteropReaders.Summarize(InteropReaders.DuckDb, dir.File("summary.parquet"));
        Assert.Equal(1, summary.Rows);
        Assert.Equal("7796", summary.Columns["event_count"].Sum);
        Assert.Equal("4915729000", summary.Columns["first_ts_ns"].Min);
        // shared/traces/README.md: the 6.12 capture is the 6.8–6.13 design, one mmap write lock per missing page.
        Assert.Equal("page-write", summary.Columns["design"].Min);
        Assert.Equal("0", summary.Columns["lost_events"].Sum);             // meta.txt: lost_events_markers_in_text: 0
        var metadata = InteropReaders.Summarize(InteropReaders.ParquetWasm, dir.File("mmap_lock_holds.parquet")).Metadata;
        Assert.Equal("page-write", metadata["bindertrace.fingerprint"]);
        Assert.Equal("FtraceText", metadata["bindertrace.format"]);
        Assert.Equal("6.12", metadata["bindertrace.kernel"]);
    }
}
