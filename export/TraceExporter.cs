using System.Reflection;
using System.Security.Cryptography;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export.Tables;
using BinderTrace.Parsers;

namespace BinderTrace.Export;

/// <summary>
/// <c>bindertrace export</c>: streams traces into Parquet tables, either one file per table for all traces or
/// a Hive-partitioned folder per table. One pass per trace feeds both the events table and the analysis.
/// Files are committed atomically once complete: on a failure or cancellation the files still being written
/// are deleted (an unpartitioned export therefore leaves nothing; a partitioned one keeps the traces already done).
/// </summary>
public sealed class TraceExporter
{
    private readonly ExportOptions _options;
    private readonly TraceOpener _open;
    private readonly AnalysisRun? _analysis;
    private readonly InputDigest? _digest;
    private readonly TraceLabels _labels = new();
    private readonly TableDefinition<TraceEvent> _events;
    private readonly TableDefinition<PageInterval> _pageIntervals;
    private readonly TableDefinition<MmapLockHold> _lockHolds;
    private readonly TableDefinition<MmapLockWait> _lockWaits;
    private readonly TableDefinition<TransactionRecord> _transactions;
    private readonly TableDefinition<TraceReport> _summary;

    /// <param name="analysis">Required when <see cref="ExportOptions.Tables"/> includes an analysis table.</param>
    /// <param name="digest">
    /// The input's digest once it has been read (e.g. from a <see cref="Sha256ReadStream"/> the opener put in the
    /// read path); by default the exporter reads the file a second time, on another thread.
    /// </param>
    public TraceExporter(ExportOptions options, TraceOpener open, AnalysisRun? analysis = null, InputDigest? digest = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tables == ExportTables.None)
        {
            throw new ArgumentException("No table selected for export.", nameof(options));
        }

        if ((options.Tables & ExportTables.Analysis) != 0 && analysis is null)
        {
            throw new ArgumentException($"Tables {options.Tables & ExportTables.Analysis} need the analysis, and none was given.", nameof(analysis));
        }

        if (options.PartitionBy.Distinct().Count() != options.PartitionBy.Count)
        {
            throw new ArgumentException("A partition key was given twice.", nameof(options));
        }

        _options = options;
        _open = open;
        _analysis = analysis;
        _digest = digest;
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
                using var source = _open(traces[i]);
                ExportTrace(traces[i], source, files, cancellation);
            }

            return files.Commit();
        }

        var committed = new List<ExportedFile>();
        for (var i = 0; i < traces.Count; i++)
        {
            using var source = _open(traces[i]);
            var kernel = KernelOf(source);
            var folder = Path.Combine(_options.PartitionBy
                .Select(k => k == PartitionKey.Kernel ? HivePartition.Folder("kernel", kernel) : HivePartition.Folder("source", traces[i]))
                .ToArray());
            using var files = OpenFiles(folder, i);
            ExportTrace(traces[i], source, files, cancellation);
            committed.AddRange(files.Commit());
        }

        return committed;
    }

    private void ExportTrace(string path, ITraceEventSource source, TableFileSet files, CancellationToken cancellation)
    {
        var kernel = KernelOf(source);
        var sha256 = _digest is null ? Task.Run(() => Sha256(path), cancellation) : null;
        _labels.Source = path;
        _labels.Kernel = kernel;
        // Parsing runs on one thread; the events table and the analysis (on this one) each read the same batches
        // of events on their own, so the three overlap without copying an event. The pooled batches bound the memory.
        var eventsTable = files.Events;
        using var events = new PrefetchingEventSource(source, batch =>
        {
            cancellation.ThrowIfCancellationRequested();
            eventsTable?.Append(batch);
        });
        // An events-only export skips the analysis (it would about double the CPU time), so its footer has no fingerprint.
        var report = (_options.Tables & ExportTables.Analysis) != 0 ? _analysis!(events, files.Sink) : null;
        while (events.TryRead(out _))
        {
            // Reading to the end is what lets the events table see every event, and brings its errors here.
        }

        if (report is not null)
        {
            files.Summary?.Append(in report);
        }

        files.AddTrace(new TraceFacts(path, source.Info.Format.ToString(), kernel, report?.Fingerprint.DesignName, sha256?.GetAwaiter().GetResult() ?? _digest!(path))
        {
            DataQuality = report?.DataQuality ?? DataQualityTable.Of(source.Diagnostics),
        });
    }

    private string KernelOf(ITraceEventSource source) => _options.Kernel ?? source.Info.Kernel ?? "unknown";

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

            set.Sink = new ParquetAnalysisSink(
                tables.HasFlag(ExportTables.PageIntervals) ? set.Add(new TableFile<PageInterval>(PathOf(AnalysisTables.PageIntervals), _pageIntervals, _options.Writer)) : null,
                tables.HasFlag(ExportTables.LockHolds) ? set.Add(new TableFile<MmapLockHold>(PathOf(AnalysisTables.LockHolds), _lockHolds, _options.Writer)) : null,
                tables.HasFlag(ExportTables.LockWaits) ? set.Add(new TableFile<MmapLockWait>(PathOf(AnalysisTables.LockWaits), _lockWaits, _options.Writer)) : null,
                tables.HasFlag(ExportTables.Transactions) ? set.Add(new TableFile<TransactionRecord>(PathOf(AnalysisTables.Transactions), _transactions, _options.Writer)) : null);
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

    /// <summary>SHA-256 of the trace file as stored (compressed or not), or null for stdin.</summary>
    private static string? Sha256(string path)
    {
        if (path == "-")
        {
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Sha256ReadStream.Format(SHA256.HashData(stream));
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
