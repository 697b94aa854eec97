using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Locks;

/// <summary>
/// mmap_lock numbers of one mm (or, after <see cref="Add"/>, of several): waits and holds per mode, and the
/// part of them that was binder's. "Other" is all minus binder.
/// </summary>
public sealed class MmLockStatistics
{
    private readonly DurationDistribution[] _waitNs = [new(), new()];
    private readonly DurationDistribution[] _holdNs = [new(), new()];
    private readonly DurationDistribution[] _binderWaitNs = [new(), new()];
    private readonly DurationDistribution[] _binderHoldNs = [new(), new()];

    public MmLockStatistics(ulong mm) => Mm = mm;

    public ulong Mm { get; }

    /// <summary>The binder process whose mapping lives in this mm, learnt from binder page operations under its lock; -1 when unknown.</summary>
    public int OwnerProc { get; internal set; } = -1;

    /// <summary>Successful acquires with no <c>start_locking</c> before them (trylocks on real kernels).</summary>
    public long TrylockAcquires { get; internal set; }

    public long FailedTrylocks { get; internal set; }

    /// <summary>Waits that ended with success=false (killable locks interrupted).</summary>
    public long FailedLocks { get; internal set; }

    public long Downgrades { get; internal set; }

    public long UnmatchedReleases { get; internal set; }

    /// <summary>Total time other tasks' waits overlapped a binder hold that conflicted with them.</summary>
    public long BlockedByBinderNs { get; internal set; }

    public long BlockedByOtherNs { get; internal set; }

    public DurationDistribution WaitNs(LockMode mode) => _waitNs[(int)mode];

    public DurationDistribution HoldNs(LockMode mode) => _holdNs[(int)mode];

    public DurationDistribution BinderWaitNs(LockMode mode) => _binderWaitNs[(int)mode];

    public DurationDistribution BinderHoldNs(LockMode mode) => _binderHoldNs[(int)mode];

    public bool HasBinderActivity => _binderHoldNs[0].Count + _binderHoldNs[1].Count > 0;

    public void Add(MmLockStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var mode = 0; mode < 2; mode++)
        {
            _waitNs[mode].Add(other._waitNs[mode]);
            _holdNs[mode].Add(other._holdNs[mode]);
            _binderWaitNs[mode].Add(other._binderWaitNs[mode]);
            _binderHoldNs[mode].Add(other._binderHoldNs[mode]);
        }

        TrylockAcquires += other.TrylockAcquires;
        FailedTrylocks += other.FailedTrylocks;
        FailedLocks += other.FailedLocks;
        Downgrades += other.Downgrades;
        UnmatchedReleases += other.UnmatchedReleases;
        BlockedByBinderNs += other.BlockedByBinderNs;
        BlockedByOtherNs += other.BlockedByOtherNs;
    }
}

/// <summary>A task that held an mm's mmap_lock while others waited for it, summed over all its holds in one mode.</summary>
public sealed record LockBlocker(int Pid, string Comm, ulong Mm, LockMode Mode, bool Binder)
{
    public long WaitsBlocked { get; internal set; }

    public long BlockedNs { get; internal set; }
}

/// <summary>One task's use of one mm's mmap_lock: holds and waits per mode, and how much of it was binder's.</summary>
public sealed class TaskLockUsage(int pid, string comm, ulong mm)
{
    private readonly long[] _holds = new long[2];
    private readonly long[] _holdNs = new long[2];
    private readonly long[] _binderHolds = new long[2];
    private readonly long[] _binderHoldNs = new long[2];
    private readonly long[] _waits = new long[2];
    private readonly long[] _waitNs = new long[2];

    public int Pid { get; } = pid;

    /// <summary>The task's name when it first took this lock.</summary>
    public string Comm { get; } = comm;

    public ulong Mm { get; } = mm;

    public long Holds(LockMode mode) => _holds[(int)mode];

    public long HoldNs(LockMode mode) => _holdNs[(int)mode];

    public long BinderHolds(LockMode mode) => _binderHolds[(int)mode];

    public long BinderHoldNs(LockMode mode) => _binderHoldNs[(int)mode];

    public long Waits(LockMode mode) => _waits[(int)mode];

    public long WaitNs(LockMode mode) => _waitNs[(int)mode];

    public long TotalHoldNs => _holdNs[0] + _holdNs[1];

    internal void AddHold(LockMode mode, long ns, bool binder)
    {
        _holds[(int)mode]++;
        _holdNs[(int)mode] += ns;
        if (binder)
        {
            _binderHolds[(int)mode]++;
            _binderHoldNs[(int)mode] += ns;
        }
    }

    internal void AddWait(LockMode mode, long ns)
    {
        _waits[(int)mode]++;
        _waitNs[(int)mode] += ns;
    }
}
