using BinderTrace.Analysis.Fingerprint;
using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Signature;
using BinderTrace.Analysis.Transactions;
using System.Runtime.InteropServices;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Analysis.Reporting;

/// <summary>What to analyse.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Report only this binder process (its pages, its transactions, the mmap_lock of its mm).</summary>
    public int? Proc { get; init; }

    /// <summary>The window or phase the event source was already restricted to, named in the report (the analysis does not filter by it).</summary>
    public TraceFocus? Focus { get; init; }

    /// <summary>How many marker snapshots to keep (markers are rare; the cap keeps a marker-spamming trace bounded).</summary>
    public int MaxMarkers { get; init; } = 1024;

    /// <summary>How many blockers the report lists.</summary>
    public int TopBlockers { get; init; } = 10;

    /// <summary>How many tasks the report lists by mmap_lock hold time.</summary>
    public int TopLockTasks { get; init; } = 20;

    /// <summary>Also analyse each marked phase on its own (<see cref="TraceReport.Phases"/>); costs a second tracker pass over phase events.</summary>
    public bool PhaseBreakdown { get; init; }

    /// <summary>Whether a <see cref="Proc"/> the trace never shows is an error (it is not inside one phase of several).</summary>
    internal bool RefuseUnknownProc { get; init; } = true;

    public static AnalysisOptions Default { get; } = new();
}

/// <summary>
/// One pass over an event stream that feeds the page, mmap_lock, transaction and fingerprint trackers and
/// builds a <see cref="TraceReport"/>. Detailed rows go to the optional <see cref="IAnalysisSink"/> as they close.
/// </summary>
public sealed class TraceAnalyzer : IBinderActivity, ITraceEventConsumer
{
    private readonly AnalysisOptions _options;
    private readonly AnalysisCounters _counters = new();
    private readonly PageTimelineTracker _pages;
    private readonly MmapLockTracker _locks;
    private readonly TransactionTracker _transactions;
    private readonly StructuralSignatureTracker _signature = new();
    private readonly List<MarkerSnapshot> _markers = [];
    private readonly Dictionary<int, string> _comms = [];

    // Recent (task, comm) pairs, direct-mapped by pid: an event repeating one cannot change what is remembered.
    private readonly (int Pid, string? Comm)[] _recentComms = new (int, string?)[256];
    private readonly PhaseBreakdown? _phases;
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
        _phases = _options.PhaseBreakdown ? new PhaseBreakdown(_options, _counters) : null;
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
        _phases?.OnEvent(e);
        _signature.Process(e);
        RememberComm(e);
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

    /// <summary>The report, once a pass has ended (<see cref="OnEnd"/>); null before.</summary>
    public TraceReport? Report { get; private set; }

    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        foreach (ref readonly var e in batch)
        {
            OnEvent(e);
        }
    }

    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics) => Report = Finish(info, diagnostics);

    public TraceReport Finish(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
        _pages.Finish();
        _locks.Finish();
        _transactions.Finish();
        var proc = _options.Proc;
        var processes = BinderProcesses();
        if (proc is { } wanted && _options.RefuseUnknownProc && !processes.Any(p => p.Proc == wanted))
        {
            throw new TraceFocusException(UnknownProcess(info.SourceName, wanted, processes));
        }

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
            Focus = _options.Focus is { IsEverything: false } focus ? focus.ToString() : null,
            Processes = processes,
            Phases = _phases?.Finish(info, diagnostics) ?? [],
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

    private void RememberComm(in TraceEvent e)
    {
        ref var recent = ref _recentComms[e.Pid & (_recentComms.Length - 1)];
        if (recent.Pid == e.Pid && ReferenceEquals(recent.Comm, e.Comm))
        {
            return;
        }

        recent = (e.Pid, e.Comm);
        ref var comm = ref CollectionsMarshal.GetValueRefOrAddDefault(_comms, e.Pid, out var known);
        if (!known || comm == "<...>")
        {
            comm = e.Comm;
        }
    }

    private List<BinderProcessSummary> BinderProcesses()
    {
        var procs = new SortedSet<int>(_pages.ByProcess.Keys);
        procs.UnionWith(_locks.ByMm.Select(m => m.OwnerProc).Where(p => p >= 0));
        procs.UnionWith(_transactions.TransactionsByProc.Keys.Where(p => p > 0));
        return procs
            .Select(p =>
            {
                var mms = _locks.ByMm.Where(m => m.OwnerProc == p).ToList();
                return new BinderProcessSummary(
                    p,
                    _comms.GetValueOrDefault(p, ""),
                    _pages.ByProcess.TryGetValue(p, out var pages) ? pages.Installs : 0,
                    mms.Sum(m => m.HoldNs(LockMode.Read).Count + m.HoldNs(LockMode.Write).Count),
                    mms.Sum(m => m.BinderHoldNs(LockMode.Read).Count + m.BinderHoldNs(LockMode.Write).Count),
                    _transactions.TransactionsByProc.GetValueOrDefault(p));
            })
            .OrderByDescending(p => p.PageInstalls)
            .ThenByDescending(p => p.Transactions)
            .ThenBy(p => p.Proc)
            .ToList();
    }

    private static string UnknownProcess(string source, int proc, List<BinderProcessSummary> processes) => processes.Count == 0
        ? $"{source}: no binder process {proc}: the trace shows no binder process at all"
        : $"{source}: no binder process {proc}; its binder processes are (pid comm: page installs, mmap_lock holds on its mm, transactions):"
            + string.Concat(processes.Select(p => $"{Environment.NewLine}  {p.Proc} {(p.Comm.Length > 0 ? p.Comm : "?")}: {p.PageInstalls}, {p.MmapLockHolds}, {p.Transactions}"));

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
