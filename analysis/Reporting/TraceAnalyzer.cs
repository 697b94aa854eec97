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

    /// <summary>
    /// The window or phase named in the report. The analysis does not filter events by it: the event source is
    /// restricted to <see cref="StreamFocus"/>, and a <see cref="Phase"/> is taken from the whole analysis' records.
    /// </summary>
    public TraceFocus? Focus { get; init; }

    /// <summary>
    /// Report only this phase, as the whole report's <see cref="TraceReport.Phases"/> entry of that name: the analysis
    /// runs over the whole trace (<see cref="StreamFocus"/> leaves the phase out) and the records and counters of the
    /// phase's spans make the report. Detailed rows reach the sink only when they started inside the phase.
    /// </summary>
    public string? Phase { get; init; }

    /// <summary>What the event source should be restricted to: <see cref="Focus"/> without the phase when <see cref="Phase"/> reports it from the records.</summary>
    public TraceFocus? StreamFocus => Phase is null || Focus is null ? Focus : Focus with { Phase = null };

    /// <summary>How many marker snapshots to keep (markers are rare; the cap keeps a marker-spamming trace bounded).</summary>
    public int MaxMarkers { get; init; } = 1024;

    /// <summary>How many blockers the report lists.</summary>
    public int TopBlockers { get; init; } = 10;

    /// <summary>How many tasks the report lists by mmap_lock hold time.</summary>
    public int TopLockTasks { get; init; } = 20;

    /// <summary>Also report each marked phase (<see cref="TraceReport.Phases"/>), derived from the whole analysis' records and counters.</summary>
    public bool PhaseBreakdown { get; init; }

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
        IAnalysisSink? rows = sink is not null && _options.Proc is { } proc ? new ProcessFilterSink(sink, proc, this) : sink;
        var toTrackers = rows;
        if (_options.PhaseBreakdown || _options.Phase is not null)
        {
            _phases = new PhaseBreakdown(this, _options);
            rows = rows is not null && _options.Phase is { } phase ? new PhaseFilterSink(rows, phase, _phases) : rows;
            toTrackers = rows is null ? _phases : new TeeSink(rows, _phases);
        }

        _pages = new PageTimelineTracker(_counters, toTrackers);
        _locks = new MmapLockTracker(_counters, this, toTrackers);
        _transactions = new TransactionTracker(_counters, rows, _options.Proc) { Counts = _phases };
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

    /// <summary>The name each task ran under (a phase's reports name processes as the whole trace does).</summary>
    internal IReadOnlyDictionary<int, string> Comms => _comms;

    /// <summary>The binder process whose mapping is in <paramref name="mm"/>, or -1 (used to filter lock rows by process).</summary>
    internal int OwnerOf(ulong mm) => _locks.OwnerOf(mm);

    public void OnEvent(in TraceEvent e)
    {
        if (e.Kind == EventKind.TracingMark && _phases is not null)
        {
            _phases.OnMarker(e);
            return;
        }

        Process(e);
    }

    /// <summary>One event through the trackers (the phase breakdown calls it for markers, between its snapshots).</summary>
    internal void Process(in TraceEvent e)
    {
        _events++;
        if (_events == 1)
        {
            _first = e.Timestamp;
        }

        _last = e.Timestamp;
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

        // Built first: it closes the shapes still open, which the phases still open at the end count too.
        var signature = _signature.Build();
        var phases = _phases?.Finish(Snapshot(), _last, info, diagnostics, _markers, _counters) ?? [];
        var report = ReportAssembly.Build(_options, refuseUnknownProc: true, info, diagnostics, new ReportParts
        {
            Pages = _pages.ByProcess.Values,
            PeakResident = _pages.PeakResident,
            PeakLru = _pages.PeakLru,
            Mms = _locks.ByMm,
            Blockers = _locks.Blockers,
            TaskUsage = _locks.TaskUsage,
            Transactions = _transactions.Statistics,
            TransactionsByProc = _transactions.TransactionsByProc,
            Comms = _comms,
            Signature = signature,
            Counters = _counters,
            Markers = _markers,
            Phases = phases,
            Events = _events,
            FirstTimestamp = _first,
            LastTimestamp = _last,
            PageRangeUpdates = _pageRangeUpdates,
            Focus = _options.Focus is { IsEverything: false } focus ? focus.ToString() : null,
        });
        return _options.Phase is not { } name
            ? report
            : phases.FirstOrDefault(p => p.Name == name)?.Report ?? throw new TraceFocusException(UnknownPhase(info.SourceName, name, _phases!.Names));
    }

    /// <summary>Every counter of the analysis now (phases are differences of these).</summary>
    internal AnalysisSnapshot Snapshot()
    {
        var signature = _signature.Snapshot();
        return new()
        {
            Events = _events,
            PageRangeUpdates = _pageRangeUpdates,
            Pages = _pages.ByProcess.Values.ToDictionary(
                p => p.Proc,
                p => new PageCounts(p.Installs, p.RacedInstalls, p.LruAdds, p.LruRemoves, p.Reclaims, p.ReinstallsAfterReclaim, p.Active, p.Lru)),
            Mms = _locks.ByMm.ToDictionary(
                m => m.Mm,
                m => new LockCounts(m.TrylockAcquires, m.FailedTrylocks, m.FailedLocks, m.Downgrades, m.UnmatchedReleases)),
            Counters = _counters.All.ToDictionary(StringComparer.Ordinal),
            TransactionsByProc = _transactions.TransactionsByProc.ToDictionary(),
            Signature = signature.Counts,
            InstallShapes = signature.InstallShapes,
            FreeShapes = signature.FreeShapes,
            ShrinkShapes = signature.ShrinkShapes,
        };
    }

    /// <summary>A phase's signature: its summed counts with the shapes of its summed counts by node.</summary>
    internal StructuralSignature SignatureOf(StructuralSignature counts, long[] installShapes, long[] freeShapes, long[] shrinkShapes) =>
        _signature.WithShapes(counts, installShapes, freeShapes, shrinkShapes);

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

    private static string UnknownPhase(string source, string phase, IReadOnlyList<string> names) => names.Count == 0
        ? $"{source}: no phase '{phase}': it has no phase markers ('… phase NAME begin/end' or atrace 'B|pid|NAME' … 'E')"
        : $"{source}: no phase '{phase}': its phases are: {string.Join(", ", names)}";

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
