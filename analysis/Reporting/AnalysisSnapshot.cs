using BinderTrace.Analysis.Signature;

namespace BinderTrace.Analysis.Reporting;

/// <summary>A process's page counts at one moment: its transition counters and its pages in each state.</summary>
internal readonly record struct PageCounts(
    long Installs, long RacedInstalls, long LruAdds, long LruRemoves, long Reclaims, long ReinstallsAfterReclaim, int Active, int Lru);

/// <summary>An mm's lock counters at one moment.</summary>
internal readonly record struct LockCounts(long TrylockAcquires, long FailedTrylocks, long FailedLocks, long Downgrades, long UnmatchedReleases);

/// <summary>
/// Every counter of the whole-trace analysis at a phase marker (and at the end): a phase's counters are the sums
/// over its spans of (value at close − value at open), so phases cost no work per event.
/// </summary>
internal sealed class AnalysisSnapshot
{
    public required long Events { get; init; }

    public required long PageRangeUpdates { get; init; }

    public required Dictionary<int, PageCounts> Pages { get; init; }

    public required Dictionary<ulong, LockCounts> Mms { get; init; }

    public required Dictionary<string, long> Counters { get; init; }

    public required Dictionary<int, long> TransactionsByProc { get; init; }

    /// <summary>The signature's counts, without shapes: those are <see cref="InstallShapes"/>, <see cref="FreeShapes"/>, <see cref="ShrinkShapes"/>, counts by node of its shape counters.</summary>
    public required StructuralSignature Signature { get; init; }

    public required long[] InstallShapes { get; init; }

    public required long[] FreeShapes { get; init; }

    public required long[] ShrinkShapes { get; init; }

    public int AllResident => Pages.Values.Sum(p => p.Active + p.Lru);

    public int AllLru => Pages.Values.Sum(p => p.Lru);
}
