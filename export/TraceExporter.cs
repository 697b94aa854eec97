using System.Reflection;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export.Tables;
using BinderTrace.Pipeline;

namespace BinderTrace.Export;

/// <summary>
/// <c>bindertrace export</c>: streams traces into Parquet tables, either one file per table for all traces or
/// a Hive-partitioned folder per table. One <see cref="TracePass"/> per trace feeds the events table and the analysis,
/// each on a thread of its own, and hashes the input's bytes on the way.
/// Files are committed atomically once complete: on a failure or cancellation the files still being written
/// are deleted (an unpartitioned export therefore leaves nothing; a partitioned one keeps the traces already done).
/// </summary>
public sealed class TraceExporter
{
    /// <summary>Bytes an analysis table holds for its row group being built, before it is written out.</summary>
    internal const long AnalysisRowGroupBytes = 2L << 20;

    /// <summary>
    /// Rows per data page of an analysis table: its rows come slowly, so a page of the writer's default size would sit
    /// uncompressed in memory for most of the trace; smaller pages are compressed sooner.
    /// </summary>
    internal const int AnalysisPageRows = 1 << 13;

    private readonly ExportOptions _options;
    private readonly TracePassOptions _input;
    private readonly AnalysisOptions _analysis;
    private readonly Func<IAnalysisSink, ExportAnalysis> _analyze;
    private readonly TraceLabels _labels = new();
    private readonly TableDefinition<TraceEvent> _events;
    private readonly TableDefinition<PageInterval> _pageIntervals;
    private readonly TableDefinition<MmapLockHold> _lockHolds;
    private readonly TableDefinition<MmapLockWait> _lockWaits;
    private readonly TableDefinition<TransactionRecord> _transactions;
    private readonly TableDefinition<TraceReport> _summary;

    /// <param name="input">How each trace is opened and read; its focus narrows every table.</param>
    /// <param name="analysis">
    /// The analysis of the analysis tables; its <see cref="AnalysisOptions.Proc"/> also narrows the events table to
    /// that process's events (<see cref="ProcessEventFilter"/>).
    /// </param>
    public TraceExporter(ExportOptions options, TracePassOptions? input = null, AnalysisOptions? analysis = null)
        : this(options, input, analysis, analyze: null)
    {
    }

    /// <param name="analyze">Stands in for the analysis (tests put hand-made rows in); by default a <see cref="TraceAnalyzer"/>.</param>
    internal TraceExporter(ExportOptions options, TracePassOptions? input, AnalysisOptions? analysis, Func<IAnalysisSink, ExportAnalysis>? analyze)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tables == ExportTables.None)
        {
            throw new ArgumentException("No table selected for export.", nameof(options));
        }

        if (options.PartitionBy.Distinct().Count() != options.PartitionBy.Count)
        {
            throw new ArgumentException("A partition key was given twice.", nameof(options));
        }

        _options = options;
        _input = (input ?? new TracePassOptions()) with { HashInput = true };
        _analysis = analysis ?? AnalysisOptions.Default;
        _analyze = analyze ?? (sink =>
        {
            var analyzer = new TraceAnalyzer(_analysis, sink);
            return new ExportAnalysis(analyzer, () => analyzer.Report!);
        });
        var withSource = !options.PartitionBy.Contains(PartitionKey.Source);
        var withKernel = !options.PartitionBy.Contains(PartitionKey.Kernel);
        _events = _labels.AddColumns(EventsTable.Define(), withSource, withKernel);
        _pageIntervals = _labels.AddColumns(AnalysisTables.DefinePageIntervals(), withSource, withKernel);
        _lockHolds = _labels.AddColumns(AnalysisTables.DefineLockHolds(), withSource, withKernel);
        _lockWaits = _labels.AddColumns(AnalysisTables.DefineLockWaits(), withSource, withKernel);
        _transactions = _labels.AddColumns(AnalysisTables.DefineTransactions(), withSource, withKernel);
        _summary = _labels.AddColumns(SummaryTable.Define(), withSource, withKernel);
    }

    /// <summary>The version written to every file's footer: the export assembly's informational version.</summary>
    public static string ToolVersion { get; } =
        typeof(TraceExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(TraceExporter).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Exports <paramref name="traces"/> (paths, or "-" for stdin) and returns the committed files.</summary>
    public IReadOnlyList<ExportedFile> Export(IReadOnlyList<string> traces, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        AtomicFile.RemoveAbandoned(_options.OutputDirectory);
        if (_options.PartitionBy.Count == 0)
        {
            using var files = OpenFiles(partitionFolder: null, traceIndex: -1);
            for (var i = 0; i < traces.Count; i++)
            {
                using var pass = TracePass.Open(traces[i], _input, cancellation);
                ExportTrace(traces[i], pass, files, cancellation);
            }

            return files.Commit();
        }

        var committed = new List<ExportedFile>();
        for (var i = 0; i < traces.Count; i++)
        {
            using var pass = TracePass.Open(traces[i], _input, cancellation);
            var kernel = KernelOf(pass.Info);
            var folder = Path.Combine(_options.PartitionBy
                .Select(k => k == PartitionKey.Kernel ? HivePartition.Folder("kernel", kernel) : HivePartition.Folder("source", traces[i]))
                .ToArray());
            using var files = OpenFiles(folder, i);
            ExportTrace(traces[i], pass, files, cancellation);
            committed.AddRange(files.Commit());
        }

        return committed;
    }

    private void ExportTrace(string path, TracePass pass, TableFileSet files, CancellationToken cancellation)
    {
        var kernel = KernelOf(pass.Info);
        _labels.Source = path;
        _labels.Kernel = kernel;
        // An events-only export skips the analysis (it would about double the CPU time), so its footer has no fingerprint.
        var analysis = (_options.Tables & ExportTables.Analysis) != 0 ? _analyze(files.Sink) : null;
        var analyzer = analysis?.Consumer;
        ITraceEventConsumer? events = files.Events is { } table ? new EventsTableConsumer(table) : null;
        if (events is not null && _analysis.Proc is { } proc)
        {
            events = new ProcessEventFilter(events, proc);
        }

        // The events table and the analysis are the two heavy consumers: each gets a thread beside the reader's.
        IReadOnlyList<IReadOnlyList<ITraceEventConsumer>> lanes = (analyzer, events) switch
        {
            ({ } a, { } e) => [[a], [e]],
            ({ } a, null) => [[a]],
            (null, { } e) => [[e]],
            _ => throw new InvalidOperationException("an export with no table reached a trace"),
        };
        pass.RunConcurrently(lanes, cancellation);
        var report = analysis?.Report();
        if (report is not null)
        {
            files.Summary?.Append(in report);
        }

        files.AddTrace(new TraceFacts(path, pass.Info.Format.ToString(), kernel, report?.Fingerprint.DesignName, pass.InputSha256)
        {
            DataQuality = report?.DataQuality ?? DataQualityTable.Of(pass.Diagnostics),
        });
    }

    private string KernelOf(TraceSourceInfo info) => _options.Kernel ?? info.Kernel ?? "unknown";

    private TableFileSet OpenFiles(string? partitionFolder, int traceIndex)
    {
        var set = new TableFileSet();
        try
        {
            string PathOf(string table) => partitionFolder is null
                ? Path.Combine(_options.OutputDirectory, table + ".parquet")
                : Path.Combine(_options.OutputDirectory, table, partitionFolder, $"part-{traceIndex:D5}.parquet");

            var tables = _options.Tables;
            if (tables.HasFlag(ExportTables.Events))
            {
                set.Events = set.Add(new TableFile<TraceEvent>(PathOf(EventsTable.Name), _events, _options.Writer));
            }

            // An analysis table gets a row or two per thousand events, so with the writer's default limits a row group
            // would hold the table's whole output up to 1 GB-sized traces: peak memory grew with the input (the export of
            // 1.1 GB held 30 MB more than that of 250 MB, all in these pages). A small byte budget keeps it flat.
            var analysisWriter = _options.Writer with
            {
                RowGroupBytes = Math.Min(_options.Writer.RowGroupBytes, AnalysisRowGroupBytes),
                PageRows = Math.Min(_options.Writer.PageRows, AnalysisPageRows),
            };
            set.Sink = new ParquetAnalysisSink(
                tables.HasFlag(ExportTables.PageIntervals) ? set.Add(new TableFile<PageInterval>(PathOf(AnalysisTables.PageIntervals), _pageIntervals, analysisWriter)) : null,
                tables.HasFlag(ExportTables.LockHolds) ? set.Add(new TableFile<MmapLockHold>(PathOf(AnalysisTables.LockHolds), _lockHolds, analysisWriter)) : null,
                tables.HasFlag(ExportTables.LockWaits) ? set.Add(new TableFile<MmapLockWait>(PathOf(AnalysisTables.LockWaits), _lockWaits, analysisWriter)) : null,
                tables.HasFlag(ExportTables.Transactions) ? set.Add(new TableFile<TransactionRecord>(PathOf(AnalysisTables.Transactions), _transactions, analysisWriter)) : null);
            if (tables.HasFlag(ExportTables.Summary))
            {
                set.Summary = set.Add(new TableFile<TraceReport>(PathOf(SummaryTable.Name), _summary, _options.Writer));
            }

            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>The analysis of one trace: the consumer a pass feeds, and its report once the pass has ended.</summary>
    internal sealed record ExportAnalysis(ITraceEventConsumer Consumer, Func<TraceReport> Report);

    /// <summary>Appends every event of the pass to the events table.</summary>
    private sealed class EventsTableConsumer(TableFile<TraceEvent> table) : ITraceEventConsumer
    {
        public void OnEvents(ReadOnlySpan<TraceEvent> batch) => table.Append(batch);

        public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
        {
            // The table is committed with the other files of the export, after the trace facts are added.
        }
    }

    /// <summary>The files one trace (partitioned) or the whole export (unpartitioned) writes into.</summary>
    private sealed class TableFileSet : IDisposable
    {
        private readonly List<ITableFile> _files = [];

        public TableFile<TraceEvent>? Events { get; set; }

        /// <summary>Always set: rows of tables that were not requested are dropped by the sink.</summary>
        public ParquetAnalysisSink Sink { get; set; } = new(null, null, null, null);

        public TableFile<TraceReport>? Summary { get; set; }

        public TableFile<TRow> Add<TRow>(TableFile<TRow> file)
        {
            _files.Add(file);
            return file;
        }

        public void AddTrace(TraceFacts facts)
        {
            foreach (var file in _files)
            {
                file.AddTrace(facts);
            }
        }

        public List<ExportedFile> Commit() => _files.ConvertAll(f => f.Commit(ToolVersion));

        public void Dispose()
        {
            foreach (var file in _files)
            {
                file.Dispose();
            }
        }
    }
}
