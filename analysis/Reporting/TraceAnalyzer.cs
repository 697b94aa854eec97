using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Signature;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Reporting;

/// <summary>What to analyse.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Report only this binder process (its pages, its transactions, the mmap_lock of its mm).</summary>
    public int? Proc { get; init; }

    /// <summary>How many marker snapshots to keep (markers are rare; the cap keeps a marker-spamming trace bounded).</summary>
    public int MaxMarkers { get; init; } = 1024;

    /// <summary>How many blockers the report lists.</summary>
    public int TopBlockers { get; init; } = 10;

    /// <summary>How many tasks the report lists by mmap_lock hold time.</summary>
    public int TopLockTasks { get; init; } = 20;

    public static AnalysisOptions Default { get; } = new();
}

/// <summary>
/// One pass over an event stream that feeds the page, mmap_lock, transaction and fingerprint trackers and
/// builds a <see cref="TraceReport"/>. Detailed rows go to the optional <see cref="IAnalysisSink"/> as they close.
/// </summary>
public sealed class TraceAnalyzer : IBinderActivity
{
    private readonly AnalysisOptions _options;
    private readonly AnalysisCounters _counters = new();
    private readonly PageTimelineTracker _pages;
    private readonly MmapLockTracker _locks;
    private readonly TransactionTracker _transactions;
    private readonly StructuralSignatureTracker _signature = new();
    private readonly List<MarkerSnapshot> _markers = [];
    private long _events;
    private long _first = -1;
    private long _last = -1;
    private long _pageRangeUpdates;

    public TraceAnalyzer(AnalysisOptions? options = null, IAnalysisSink? sink = null)
    {
        _options = options ?? AnalysisOptions.Default;
        var filtered = sink is not null && _options.Proc is { } proc ? new ProcessFilterSink(sink, proc, this) : sink;
        _pages = new PageTimelineTracker(_counters, filtered);
        _locks = new MmapLockTracker(_counters, this, filtered);
        _transactions = new TransactionTracker(_counters, filtered, _options.Proc);
    }

    /// <summary>Reads <paramref name="source"/> to the end and returns the report.</summary>
    public static TraceReport Analyze(ITraceEventSource source, AnalysisOptions? options = null, IAnalysisSink? sink = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var analyzer = new TraceAnalyzer(options, sink);
        while (source.TryRead(out var e))
        {
            analyzer.OnEvent(e);
        }

        return analyzer.Finish(source.Info, source.Diagnostics);
    }

    int IBinderActivity.BinderProcOf(int pid)
    {
        var proc = _pages.OpenOperationProc(pid);
        return proc >= 0 ? proc : _transactions.AllocatingFor(pid);
    }

    /// <summary>The binder process whose mapping is in <paramref name="mm"/>, or -1 (used to filter lock rows by process).</summary>
    internal int OwnerOf(ulong mm) => _locks.OwnerOf(mm);

    public void OnEvent(in TraceEvent e)
    {
        _events++;
        if (_events == 1)
        {
            _first = e.Timestamp;
        }

        _last = e.Timestamp;
        _signature.Process(e);
        switch (e.Kind)
        {
            case >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd:
                OnPageEvent(e);
                break;
            case EventKind.BinderUpdatePageRange:
                if (_options.Proc is null || _options.Proc == e.PageRange.Proc)
                {
                    _pageRangeUpdates++;
                }

                break;
            case EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased:
                _locks.OnEvent(e);
                break;
            case EventKind.BinderTransaction or EventKind.BinderTransactionAllocBuf
                or EventKind.BinderTransactionReceived or EventKind.BinderTxnLatencyFree:
                _transactions.OnEvent(e);
                break;
            case EventKind.LostEvents:
                _pages.OnLostEvents(e.Cpu);
                _locks.OnLostEvents(e.Cpu);
                break;
            case EventKind.TracingMark:
                OnMarker(e);
                break;
        }
    }

    public TraceReport Finish(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
        _pages.Finish();
        _locks.Finish();
        _transactions.Finish();
        var proc = _options.Proc;
        var pagesByProc = _pages.ByProcess.Values
            .Where(p => proc is null || p.Proc == proc)
            .OrderBy(p => p.Proc)
            .ToList();
        var pageTotal = new ProcessPageStatistics(proc ?? -1);
        foreach (var p in pagesByProc)
        {
            pageTotal.Add(p);
        }

        pageTotal.PeakResident = proc is null ? _pages.PeakResident : pagesByProc.Sum(p => p.PeakResident);
        pageTotal.PeakLru = proc is null ? _pages.PeakLru : pagesByProc.Sum(p => p.PeakLru);

        var mms = _locks.ByMm
            .Where(m => proc is null || m.OwnerProc == proc)
            .OrderByDescending(m => m.BinderHoldNs(LockMode.Read).Count + m.BinderHoldNs(LockMode.Write).Count)
            .ThenByDescending(m => m.HoldNs(LockMode.Read).Total + m.HoldNs(LockMode.Write).Total)
            .ToList();
        var lockTotal = new MmLockStatistics(0);
        foreach (var m in mms)
        {
            lockTotal.Add(m);
        }

        var reportedMms = mms.Select(m => m.Mm).ToHashSet();
        var blockers = _locks.Blockers
            .Where(b => reportedMms.Contains(b.Mm))
            .OrderByDescending(b => b.BlockedNs)
            .ThenBy(b => b.Pid)
            .Take(_options.TopBlockers)
            .ToList();
        return new TraceReport
        {
            Source = info,
            Diagnostics = diagnostics,
            ProcFilter = proc,
            Events = _events,
            FirstTimestamp = _first,
            LastTimestamp = _last,
            Pages = pageTotal,
            PagesByProcess = pagesByProc,
            Locks = lockTotal,
            LocksByMm = mms,
            TopBlockers = blockers,
            TopLockTasks = _locks.TaskUsage
                .Where(u => reportedMms.Contains(u.Mm))
                .OrderByDescending(u => u.TotalHoldNs)
                .ThenBy(u => u.Pid)
                .Take(_options.TopLockTasks)
                .ToList(),
            Transactions = _transactions.Statistics,
            Fingerprint = AllocatorDesignClassifier.Classify(_signature.Build()),
            Counters = _counters,
            Markers = _markers,
            PageRangeUpdates = _pageRangeUpdates,
        };
    }

    /// <summary>Every page summary seen so far (the <c>pages</c> table), filtered by process.</summary>
    public IEnumerable<PageSummary> PageSummaries =>
        _pages.Pages.Where(p => _options.Proc is null || p.Proc == _options.Proc);

    private void OnPageEvent(in TraceEvent e)
    {
        var page = e.Page;
        if (_pages.OnPageEvent(e))
        {
            _transactions.OnPageInstalled(e.Pid);
        }

        if (e.Kind is not (EventKind.BinderFreeLruStart or EventKind.BinderFreeLruEnd))
        {
            _locks.OnBinderPageEvent(e.Pid, page.Proc);
        }

    }

    private void OnMarker(in TraceEvent e)
    {
        if (_markers.Count >= _options.MaxMarkers)
        {
            _counters.Increment("markers_not_snapshotted");
            return;
        }

        _pages.FlushDeferred();
        var counts = new List<ProcessPageCount>();
        foreach (var stats in _pages.ByProcess.Values.OrderBy(s => s.Proc))
        {
            if (_options.Proc is null || _options.Proc == stats.Proc)
            {
                counts.Add(new ProcessPageCount(stats.Proc, stats.Active, stats.Lru));
            }
        }

        _markers.Add(new MarkerSnapshot(e.Timestamp, e.Text ?? "", counts));
    }
}
