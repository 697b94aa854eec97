using BinderTrace.Analysis.Locks;
using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Signature;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// One phase's statistics, kept beside the whole trace's: the records that started inside its spans (latencies,
/// holds, waits, blockers, transactions, page count samples) and the sums over its spans of the whole-trace counters'
/// differences (<see cref="AnalysisSnapshot"/>). The same statistics objects as the whole report, built by the same
/// <see cref="ReportAssembly"/>.
/// </summary>
internal sealed class PhaseBook(string name)
{
    private readonly Dictionary<int, ProcessPageStatistics> _pages = [];
    private readonly Dictionary<int, (int Resident, int Lru)> _peaksAtOpen = [];
    private readonly Dictionary<ulong, MmLockStatistics> _mms = [];
    private readonly Dictionary<(int Pid, string Comm, ulong Mm, LockMode Mode, bool Binder), LockBlocker> _blockers = [];
    private readonly Dictionary<(int Pid, ulong Mm), TaskLockUsage> _usage = [];
    private readonly TransactionStatistics _transactions = new();
    private readonly Dictionary<int, long> _transactionsByProc = [];
    private readonly AnalysisCounters _counters = new();
    private StructuralSignature _signature = new();
    private long[] _installShapes = [];
    private long[] _freeShapes = [];
    private long[] _shrinkShapes = [];
    private long _events;
    private long _pageRangeUpdates;
    private AnalysisSnapshot? _opened;
    private Dictionary<int, PageCounts> _pagesAtClose = [];
    private int _peakResident;
    private int _peakLru;

    // The process of the last page record: a trace's page events mostly come from one process at a time.
    private ProcessPageStatistics? _lastPages;

    public string Name { get; } = name;

    public bool IsOpen => _opened is not null;

    /// <summary>The first span's begin marker, or -1 before.</summary>
    public long FirstNs { get; private set; } = -1;

    /// <summary>The last span's end marker (the trace's last event when it ended inside the span).</summary>
    public long LastNs { get; private set; } = -1;

    public void Open(AnalysisSnapshot at, long timestamp)
    {
        _opened = at;
        FirstNs = FirstNs < 0 ? timestamp : FirstNs;
        _peakResident = Math.Max(_peakResident, at.AllResident);
        _peakLru = Math.Max(_peakLru, at.AllLru);
        foreach (var (proc, counts) in at.Pages)
        {
            if (_pages.TryGetValue(proc, out var stats))
            {
                stats.PeakResident = Math.Max(stats.PeakResident, counts.Active + counts.Lru);
                stats.PeakLru = Math.Max(stats.PeakLru, counts.Lru);
            }
            else
            {
                var peak = _peaksAtOpen.GetValueOrDefault(proc);
                _peaksAtOpen[proc] = (Math.Max(peak.Resident, counts.Active + counts.Lru), Math.Max(peak.Lru, counts.Lru));
            }
        }
    }

    public void Close(AnalysisSnapshot at, long timestamp)
    {
        var from = _opened ?? throw new InvalidOperationException($"phase {Name} closed while not open");
        _opened = null;
        LastNs = timestamp;
        _pagesAtClose = at.Pages;
        _events += at.Events - from.Events;
        _pageRangeUpdates += at.PageRangeUpdates - from.PageRangeUpdates;
        foreach (var (proc, now) in at.Pages)
        {
            var before = from.Pages.GetValueOrDefault(proc);
            if (now with { Active = 0, Lru = 0 } != before with { Active = 0, Lru = 0 })
            {
                var stats = PagesOf(proc);
                stats.Installs += now.Installs - before.Installs;
                stats.RacedInstalls += now.RacedInstalls - before.RacedInstalls;
                stats.LruAdds += now.LruAdds - before.LruAdds;
                stats.LruRemoves += now.LruRemoves - before.LruRemoves;
                stats.Reclaims += now.Reclaims - before.Reclaims;
                stats.ReinstallsAfterReclaim += now.ReinstallsAfterReclaim - before.ReinstallsAfterReclaim;
            }
        }

        foreach (var (mm, now) in at.Mms)
        {
            var before = from.Mms.GetValueOrDefault(mm);
            if (now != before)
            {
                var stats = MmOf(mm);
                stats.TrylockAcquires += now.TrylockAcquires - before.TrylockAcquires;
                stats.FailedTrylocks += now.FailedTrylocks - before.FailedTrylocks;
                stats.FailedLocks += now.FailedLocks - before.FailedLocks;
                stats.Downgrades += now.Downgrades - before.Downgrades;
                stats.UnmatchedReleases += now.UnmatchedReleases - before.UnmatchedReleases;
            }
        }

        foreach (var (counter, now) in at.Counters)
        {
            _counters.Increment(counter, now - from.Counters.GetValueOrDefault(counter));
        }

        foreach (var (proc, now) in at.TransactionsByProc)
        {
            var added = now - from.TransactionsByProc.GetValueOrDefault(proc);
            if (added != 0)
            {
                _transactionsByProc[proc] = _transactionsByProc.GetValueOrDefault(proc) + added;
            }
        }

        _signature = _signature.Plus(at.Signature, 1).Plus(from.Signature, -1);
        AddDifference(ref _installShapes, at.InstallShapes, from.InstallShapes);
        AddDifference(ref _freeShapes, at.FreeShapes, from.FreeShapes);
        AddDifference(ref _shrinkShapes, at.ShrinkShapes, from.ShrinkShapes);
    }

    /// <summary>Adds <paramref name="now"/> − <paramref name="before"/> (counts by node; a trie only grows) to <paramref name="sum"/>.</summary>
    private static void AddDifference(ref long[] sum, long[] now, long[] before)
    {
        if (sum.Length < now.Length)
        {
            Array.Resize(ref sum, now.Length);
        }

        for (var node = 0; node < now.Length; node++)
        {
            sum[node] += now[node] - (node < before.Length ? before[node] : 0);
        }
    }

    public void OnPageInstall(int proc, long latencyNs) => PagesOf(proc).InstallNs.Add(latencyNs);

    public void OnLruDwell(int proc, long dwellNs) => PagesOf(proc).LruDwellNs.Add(dwellNs);

    public void OnReclaim(int proc, long durationNs) => PagesOf(proc).ReclaimNs.Add(durationNs);

    public void OnReinstallAfterReclaim(int proc, long gapNs) => PagesOf(proc).ReinstallAfterReclaimNs.Add(gapNs);

    /// <summary>Peaks as <see cref="PageTimelineTracker"/> keeps them: per process at samples, over all processes at every change.</summary>
    public void OnPageCounts(int proc, long timestampNs, int active, int lru, int allActive, int allLru, bool sampled)
    {
        _peakResident = Math.Max(_peakResident, allActive + allLru);
        _peakLru = Math.Max(_peakLru, allLru);
        if (!sampled)
        {
            return;
        }

        var stats = PagesOf(proc);
        stats.PeakResident = Math.Max(stats.PeakResident, active + lru);
        stats.PeakLru = Math.Max(stats.PeakLru, lru);
        stats.Series.Record(timestampNs, active, lru);
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        var stats = MmOf(hold.Mm);
        stats.HoldNs(hold.Mode).Add(hold.DurationNs);
        if (hold.Binder)
        {
            stats.BinderHoldNs(hold.Mode).Add(hold.DurationNs);
        }

        UsageOf(hold.Pid, hold.Comm, hold.Mm).AddHold(hold.Mode, hold.DurationNs, hold.Binder);
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        var stats = MmOf(wait.Mm);
        stats.WaitNs(wait.Mode).Add(wait.DurationNs);
        if (wait.Binder)
        {
            stats.BinderWaitNs(wait.Mode).Add(wait.DurationNs);
        }

        UsageOf(wait.Pid, wait.Comm, wait.Mm).AddWait(wait.Mode, wait.DurationNs);
    }

    public void OnLockHoldBlocked(in MmapLockHold hold, long waitsBlocked, long blockedNs)
    {
        var key = (hold.Pid, hold.Comm, hold.Mm, hold.Mode, hold.Binder);
        if (!_blockers.TryGetValue(key, out var blocker))
        {
            blocker = new LockBlocker(hold.Pid, hold.Comm, hold.Mm, hold.Mode, hold.Binder);
            _blockers[key] = blocker;
        }

        blocker.WaitsBlocked += waitsBlocked;
        blocker.BlockedNs += blockedNs;
        var stats = MmOf(hold.Mm);
        if (hold.Binder)
        {
            stats.BlockedByBinderNs += blockedNs;
        }
        else
        {
            stats.BlockedByOtherNs += blockedNs;
        }
    }

    /// <summary>A transaction as <see cref="TransactionTracker"/> counted it (after its process filter).</summary>
    public void OnTransaction(in CountedTransaction t) => _transactions.Add(t);

    public void OnRoundTrip(long roundTripNs) => _transactions.RoundTripNs.Add(roundTripNs);

    public ReportParts Parts(TraceAnalyzer analyzer, IReadOnlyList<MarkerSnapshot> markers, string focus)
    {
        foreach (var (proc, stats) in _pages)
        {
            var state = _pagesAtClose.GetValueOrDefault(proc);
            stats.Active = state.Active;
            stats.Lru = state.Lru;
        }

        foreach (var (mm, stats) in _mms)
        {
            stats.OwnerProc = analyzer.OwnerOf(mm);
        }

        return new ReportParts
        {
            Pages = _pages.Values,
            PeakResident = _peakResident,
            PeakLru = _peakLru,
            Mms = _mms.Values,
            Blockers = _blockers.Values,
            TaskUsage = _usage.Values,
            Transactions = _transactions,
            TransactionsByProc = _transactionsByProc,
            Comms = analyzer.Comms,
            Signature = analyzer.SignatureOf(_signature, _installShapes, _freeShapes, _shrinkShapes),
            Counters = _counters,
            Markers = markers,
            Phases = [],
            Events = _events,
            FirstTimestamp = FirstNs,
            LastTimestamp = LastNs,
            PageRangeUpdates = _pageRangeUpdates,
            Focus = focus,
        };
    }

    private ProcessPageStatistics PagesOf(int proc)
    {
        if (_lastPages?.Proc == proc)
        {
            return _lastPages;
        }

        if (!_pages.TryGetValue(proc, out var stats))
        {
            // Peaks start from the pages installed when the phase's spans began.
            stats = new ProcessPageStatistics(proc);
            (stats.PeakResident, stats.PeakLru) = _peaksAtOpen.GetValueOrDefault(proc);
            _pages[proc] = stats;
        }

        _lastPages = stats;
        return stats;
    }

    private MmLockStatistics MmOf(ulong mm)
    {
        if (!_mms.TryGetValue(mm, out var stats))
        {
            stats = new MmLockStatistics(mm);
            _mms[mm] = stats;
        }

        return stats;
    }

    private TaskLockUsage UsageOf(int pid, string comm, ulong mm)
    {
        if (!_usage.TryGetValue((pid, mm), out var usage))
        {
            usage = new TaskLockUsage(pid, comm, mm);
            _usage[(pid, mm)] = usage;
        }

        return usage;
    }
}
