using System.Numerics;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

/// <summary>
/// The export driver end to end with hand-made events and hand-made analysis rows, read back by the
/// independent readers. Every expected number below is added up by hand from the inputs in this file.
/// </summary>
public sealed class TraceExporterTests
{
    private const ulong Mm = 0xffff888012345678;
    private const int PassBatch = TracePass.BatchSize;

    // sha256sum of the fake trace files' bytes: `printf 'fake trace one\n' | sha256sum`, `printf 'fake trace two\n' | sha256sum`.
    private const string FingerprintOne = "sha256:874a40eb9315ab39af8d7c098230ae018578a4e5746eeafa8a2b0cdef5cf9bcc";
    private const string FingerprintTwo = "sha256:2fb855f71c9a0328e0b08778b18085694c11ab4b67bb9e9032644eac22fc081d";

    [Fact]
    [Trait("Category", "Interop")]
    public void Events_table_carries_every_typed_field_in_its_own_column()
    {
        using var dir = new TempDirectory();
        var trace = WriteFakeTrace(dir, "one.txt", "fake trace one\n");
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out"), Tables = ExportTables.Events },
            Reading(() => new ListEventSource(Info("6.1"), HandMadeEvents())));

        var files = exporter.Export([trace]);

        var path = Assert.Single(files).Path;
        Assert.Equal(dir.File("out/events.parquet"), path);
        foreach (var reader in new[] { InteropReaders.DuckDb, InteropReaders.Hyparquet })
        {
            var s = InteropReaders.Summarize(reader, path);
            Assert.Equal(12, s.Rows);
            // ts: 1_000_000_001 + k * 1_000_003 for k = 0..11 → sum = 12 * 1_000_000_001 + 66 * 1_000_003.
            Assert.Equal(new ColumnSummary(12, "12066000210", "1000000001", "1011000034"), s.Columns["ts_ns"]);
            Assert.Equal(11, s.Columns["tgid"].Count);                       // one event has tgid -1
            Assert.Equal(new ColumnSummary(12, null, "binder-wl", "kworker/0:1"), s.Columns["comm"]);
            Assert.Equal(new ColumnSummary(2, "200", "100", "100"), s.Columns["proc"]);
            Assert.Equal(new ColumnSummary(1, "3", "3", "3"), s.Columns["page_index"]);
            Assert.Equal(new ColumnSummary(1, "1", null, null), s.Columns["allocate"]);
            Assert.Equal(new ColumnSummary(1, "8192", "8192", "8192"), s.Columns["offset"]);
            var wrapped = (ulong.MaxValue - 4095).ToString(System.Globalization.CultureInfo.InvariantCulture); // 2^64 − 4096
            Assert.Equal(new ColumnSummary(1, wrapped, wrapped, wrapped), s.Columns["size"]);
            Assert.Equal(new ColumnSummary(3, "126", "42", "42"), s.Columns["transaction"]);
            Assert.Equal(new ColumnSummary(2, "400", "200", "200"), s.Columns["dest_proc"]);
            Assert.Equal(new ColumnSummary(1, "101", "101", "101"), s.Columns["from_thread"]);
            Assert.Equal(new ColumnSummary(2, "32", "16", "16"), s.Columns["flags"]);       // 0x10 twice
            Assert.Equal(new ColumnSummary(2, "190", "95", "95"), s.Columns["code"]);       // 0x5f twice
            Assert.Equal(new ColumnSummary(1, "128", "128", "128"), s.Columns["data_size"]);
            Assert.Equal(new ColumnSummary(1, "1077961472", "1077961472", "1077961472"), s.Columns["cmd"]); // 0x40406300
            Assert.Equal(new ColumnSummary(1, null, "BC_TRANSACTION", "BC_TRANSACTION"), s.Columns["cmd_name"]);
            var mm = Mm.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(new ColumnSummary(2, (2 * new BigInteger(Mm)).ToString(System.Globalization.CultureInfo.InvariantCulture), mm, mm), s.Columns["mm"]);
            Assert.Equal(new ColumnSummary(2, "2", null, null), s.Columns["write"]);
            Assert.Equal(new ColumnSummary(1, "1", null, null), s.Columns["success"]);      // only acquire_returned has success
            Assert.Equal(new ColumnSummary(1, null, "/", "/"), s.Columns["memcg_path"]);
            Assert.Equal(new ColumnSummary(1, "1", "1", "1"), s.Columns["memcg_id"]);
            Assert.Equal(new ColumnSummary(1, null, "S", "S"), s.Columns["prev_state"]);
            Assert.Equal(new ColumnSummary(1, "300", "300", "300"), s.Columns["next_pid"]);
            Assert.Equal(new ColumnSummary(1, "5", "5", "5"), s.Columns["lost_events"]);
            Assert.Equal(new ColumnSummary(2, null, "a=1 b=2", "phase B"), s.Columns["payload"]);
            Assert.Equal(new ColumnSummary(12, null, "6.1", "6.1"), s.Columns["kernel"]);
            Assert.Equal(new ColumnSummary(12, null, trace, trace), s.Columns["source"]);
        }

        var metadata = InteropReaders.Summarize(InteropReaders.ParquetWasm, path).Metadata;
        Assert.Equal(trace, metadata["bindertrace.source"]);
        Assert.Equal("FtraceText", metadata["bindertrace.format"]);
        Assert.Equal("6.1", metadata["bindertrace.kernel"]);
        Assert.Equal(FingerprintOne, metadata["bindertrace.sha256"]);
        Assert.Equal("", metadata["bindertrace.fingerprint"]);                           // no analysis ran
        Assert.Equal(TraceExporter.ToolVersion, metadata["bindertrace.version"]);
    }

    [Fact]
    [Trait("Category", "Interop")]
    public void Analysis_tables_stream_the_sink_rows_of_every_trace_into_one_file_each()
    {
        using var dir = new TempDirectory();
        string[] traces = [WriteFakeTrace(dir, "one.txt", "fake trace one\n"), WriteFakeTrace(dir, "two.txt", "fake trace two\n")];
        var opened = new List<ListEventSource>();
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out"), Tables = ExportTables.Analysis, Kernel = "7.3" },
            Reading(() =>
            {
                opened.Add(new ListEventSource(Info(null), HandMadeEvents()));
                return opened[^1];
            }),
            analysis: null,
            HandMadeRows.Analysis);

        var files = exporter.Export(traces);

        Assert.Equal(["page_intervals", "mmap_lock_holds", "mmap_lock_waits", "transactions", "summary"], files.Select(f => f.Table));
        Assert.All(opened, s => Assert.True(s.Disposed));
        var holds = InteropReaders.Summarize(InteropReaders.DuckDb, dir.File("out/mmap_lock_holds.parquet"));
        // Per trace: durations 100, 250, 1000 → 1350; two traces.
        Assert.Equal(6, holds.Rows);
        Assert.Equal(new ColumnSummary(6, "2700", "100", "1000"), holds.Columns["duration_ns"]);
        Assert.Equal(new ColumnSummary(6, null, "read", "write"), holds.Columns["mode"]);
        Assert.Equal(new ColumnSummary(6, "4", null, null), holds.Columns["binder"]);
        Assert.Equal(new ColumnSummary(6, null, traces[0], traces[1]), holds.Columns["source"]);
        Assert.Equal("TIMESTAMP_NS", holds.Types["start_ns"]);
        var intervals = InteropReaders.Summarize(InteropReaders.Hyparquet, dir.File("out/page_intervals.parquet"));
        // One interval per trace started before the trace: start_ns and duration_ns are null there.
        Assert.Equal(new ColumnSummary(2, "4000000000", "2000000000", "2000000000"), intervals.Columns["start_ns"]);
        Assert.Equal(new ColumnSummary(2, "1000", "500", "500"), intervals.Columns["duration_ns"]);
        Assert.Equal(new ColumnSummary(4, null, "active", "lru"), intervals.Columns["state"]);
        var transactions = InteropReaders.Summarize(InteropReaders.Hyparquet, dir.File("out/transactions.parquet"));
        Assert.Equal(new ColumnSummary(0, null, null, null), transactions.Columns["freed_ns"]);
        Assert.Equal(new ColumnSummary(4, "2", null, null), transactions.Columns["oneway"]);
        var waits = InteropReaders.Summarize(InteropReaders.ParquetWasm, dir.File("out/mmap_lock_waits.parquet"));
        Assert.Equal(4, waits.Rows);
        Assert.Equal($"{FingerprintOne}\n{FingerprintTwo}", waits.Metadata["bindertrace.sha256"]);
        Assert.Equal("unknown\nunknown", waits.Metadata["bindertrace.fingerprint"]);   // an empty trace shows no design
        var summary = InteropReaders.Summarize(InteropReaders.DuckDb, dir.File("out/summary.parquet"));
        Assert.Equal(2, summary.Rows);
        Assert.Equal(new ColumnSummary(2, "0", "0", "0"), summary.Columns["event_count"]);
        Assert.Equal(0, summary.Columns["hold_write_p99_ns"].Count);                     // empty distribution → null, not 0
        Assert.Equal("7.3\n7.3", waits.Metadata["bindertrace.kernel"]);
    }

    [Fact]
    [Trait("Category", "Interop")]
    public void Partitioned_export_is_one_hive_dataset_per_table()
    {
        using var dir = new TempDirectory();
        string[] traces = [WriteFakeTrace(dir, "one.txt", "fake trace one\n"), WriteFakeTrace(dir, "two.txt", "fake trace two\n")];
        var kernels = new Queue<string>(["6.12.107+deb13-amd64", "7.3.4+deb13-amd64"]);
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out"), PartitionBy = [PartitionKey.Kernel, PartitionKey.Source], Tables = ExportTables.Events | ExportTables.LockHolds },
            Reading(() => new ListEventSource(Info(kernels.Dequeue()), HandMadeEvents())),
            analysis: null,
            HandMadeRows.Analysis);

        var files = exporter.Export(traces);

        Assert.Equal(4, files.Count);
        // Temp paths hold only letters, digits, '-', '.' and '/': Hive escaping turns just the '/' into %2F.
        Assert.True(File.Exists(dir.File($"out/mmap_lock_holds/kernel=6.12.107+deb13-amd64/source={traces[0].Replace("/", "%2F", StringComparison.Ordinal)}/part-00000.parquet")));
        Assert.True(File.Exists(dir.File($"out/mmap_lock_holds/kernel=7.3.4+deb13-amd64/source={traces[1].Replace("/", "%2F", StringComparison.Ordinal)}/part-00001.parquet")));
        var holds = InteropReaders.Summarize(InteropReaders.DuckDb, dir.File("out/mmap_lock_holds"));
        Assert.Equal(6, holds.Rows);
        Assert.Equal(new ColumnSummary(6, null, "6.12.107+deb13-amd64", "7.3.4+deb13-amd64"), holds.Columns["kernel"]);
        Assert.Equal(new ColumnSummary(6, null, traces[0], traces[1]), holds.Columns["source"]);
        var events = InteropReaders.Summarize(InteropReaders.Hyparquet, dir.File("out/events"));
        Assert.Equal(24, events.Rows);
        Assert.False(events.Columns.ContainsKey("kernel"), "a partition key lives in the folder name, not in the file");
        Assert.False(events.Columns.ContainsKey("source"), "a partition key lives in the folder name, not in the file");
    }

    [Fact]
    public void A_failed_export_leaves_no_file_under_a_final_name_and_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var trace = WriteFakeTrace(dir, "one.txt", "fake trace one\n");
        var calls = 0;
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out") },
            Reading(() => ++calls == 1 ? new ListEventSource(Info(null), HandMadeEvents()) : throw new TraceFormatException("two.txt", 3, 120, "expected an event line")),
            analysis: null,
            HandMadeRows.Analysis);

        Assert.Throws<TraceFormatException>(() => exporter.Export([trace, trace]));

        Assert.Empty(Directory.GetFiles(dir.File("out"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_parse_error_in_the_middle_of_a_trace_reaches_the_caller_while_both_the_events_table_and_the_analysis_read_it()
    {
        using var dir = new TempDirectory();
        var trace = WriteFakeTrace(dir, "one.txt", "fake trace one\n");
        // Three batches of events, then the error a strict parse raises: the events table (on its own thread) and
        // the analysis (on the caller's) are both part-way through when it arrives.
        var events = Enumerable.Range(0, 3 * PassBatch).Select(i => TraceEvent.ForGeneric(new EventHeader(i, 0, 1, 1, "x"), "e", ""))
            .Concat(Enumerable.Range(0, 1).Select<int, TraceEvent>(_ => throw new TraceFormatException("one.txt", 12_289, 400_000, "expected an event line")));
        var analysed = 0;
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out") },
            Reading(() => new ListEventSource(Info(null), events)),
            analysis: null,
            _ => new TraceExporter.ExportAnalysis(
                new CountingConsumer(batch => analysed += batch, () => throw new InvalidOperationException("the analysis must not see the end of a trace whose parse failed")),
                () => throw new InvalidOperationException("no report of a failed trace")));

        var error = Assert.Throws<TraceFormatException>(() => exporter.Export([trace]));

        Assert.StartsWith("one.txt:12289 (byte 400000)", error.Message);
        Assert.Equal(3 * PassBatch, analysed);
        Assert.Empty(Directory.GetFiles(dir.File("out"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Cancellation_stops_the_export_without_leaving_files()
    {
        using var dir = new TempDirectory();
        var trace = WriteFakeTrace(dir, "one.txt", "fake trace one\n");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var many = Enumerable.Range(0, 70_000).Select(i => TraceEvent.ForGeneric(new EventHeader(i, 0, 1, 1, "x"), "e", ""));
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out"), Tables = ExportTables.Events },
            Reading(() => new ListEventSource(Info(null), many)));

        Assert.Throws<OperationCanceledException>(() => exporter.Export([trace], cancel.Token));

        Assert.Empty(Directory.GetFiles(dir.File("out"), "*", SearchOption.AllDirectories));
    }

    /// <summary>A pass over the fake file (its bytes are hashed) whose events are hand-made.</summary>
    private static TracePassOptions Reading(Func<ITraceEventSource> events) => new() { Reader = (_, _, _) => events() };

    private static TraceSourceInfo Info(string? kernel) => new() { SourceName = "fake", Format = TraceFormat.FtraceText, Kernel = kernel };

    private static string WriteFakeTrace(TempDirectory dir, string name, string content)
    {
        var path = dir.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static IEnumerable<TraceEvent> HandMadeEvents()
    {
        var k = 0;
        EventHeader H(int pid = 100, int tgid = 100, string comm = "binder-wl", int cpu = 0) =>
            new(1_000_000_001 + (k++ * 1_000_003L), cpu, pid, tgid, comm);

        yield return TraceEvent.ForPage(H(), EventKind.BinderAllocPageStart, 100, 3);
        yield return TraceEvent.ForPageRange(H(), 100, allocate: true, offset: 8192, size: ulong.MaxValue - 4095);
        yield return TraceEvent.ForTransaction(H(), new TransactionEvent(42, 7, 200, 201, 0, 0x10, 0x5f));
        yield return TraceEvent.ForBuffer(H(), EventKind.BinderTransactionAllocBuf, new BufferEvent(42, 128, 8, 0));
        yield return TraceEvent.ForTxnLatencyFree(H(), new TxnLatencyFreeEvent(42, 100, 101, 200, 201, 0x5f, 0x10));
        yield return TraceEvent.ForMmapLock(H(), EventKind.MmapLockAcquireReturned, Mm, write: true, success: true, "/", 0);
        yield return TraceEvent.ForMmapLock(H(), EventKind.MmapLockReleased, Mm, write: true, success: false, null, 1);
        yield return TraceEvent.ForSchedSwitch(H(tgid: -1), new SchedSwitchEvent("binder-wl", 100, 120, TaskState.Sleeping, "worker", 300, 120));
        yield return TraceEvent.ForGeneric(H(), "foo_event", "a=1 b=2");
        yield return TraceEvent.ForLostEvents(H(cpu: 2), 5);
        yield return TraceEvent.ForTracingMark(H(), "tracing_mark_write", "phase B");
        yield return TraceEvent.ForCommand(H(comm: "kworker/0:1"), EventKind.BinderCommand, 0x40406300, "BC_TRANSACTION");
    }

    /// <summary>Hand-made analysis rows, emitted at the end of each trace, and a genuine report of an empty trace.</summary>
    private sealed class HandMadeRows(IAnalysisSink sink) : ITraceEventConsumer
    {
        private TraceReport? _report;

        public static TraceExporter.ExportAnalysis Analysis(IAnalysisSink sink)
        {
            var rows = new HandMadeRows(sink);
            return new TraceExporter.ExportAnalysis(rows, () => rows._report!);
        }

        public void OnEvents(ReadOnlySpan<TraceEvent> batch)
        {
            // The rows do not depend on the events: the events table must still get every event.
        }

        public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
        {
            sink.OnPageInterval(new PageInterval(100, 0, PageState.Active, -1, 1_500_000_000));
            sink.OnPageInterval(new PageInterval(100, 1, PageState.Lru, 2_000_000_000, 2_000_000_500));
            sink.OnLockHold(new MmapLockHold(100, "binder-wl", Mm, LockMode.Write, Binder: true, 1_000, 1_100));
            sink.OnLockHold(new MmapLockHold(101, "churn", Mm, LockMode.Read, Binder: false, 2_000, 2_250));
            sink.OnLockHold(new MmapLockHold(100, "binder-wl", Mm, LockMode.Write, Binder: true, 3_000, 4_000));
            sink.OnLockWait(new MmapLockWait(100, "binder-wl", Mm, LockMode.Write, Binder: true, Success: true, 900, 1_000));
            sink.OnLockWait(new MmapLockWait(101, "churn", Mm, LockMode.Read, Binder: false, Success: false, 1_900, 1_950));
            sink.OnTransaction(new TransactionRecord(42, 100, 200, 201, Reply: false, Oneway: true, 0x5f, 128, 8, 1, 10, 20, -1));
            sink.OnTransaction(new TransactionRecord(43, 100, 200, 201, Reply: false, Oneway: false, 0x5f, 64, 0, 0, 30, 35, -1));
            // A genuine report (of an empty trace) through the analysis' public entry point.
            _report = TraceAnalyzer.Analyze(new ListEventSource(info, []));
        }
    }

    private sealed class CountingConsumer(Action<int> onBatch, Action onEnd) : ITraceEventConsumer
    {
        public void OnEvents(ReadOnlySpan<TraceEvent> batch) => onBatch(batch.Length);

        public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics) => onEnd();
    }
}
