using BinderTrace.Analysis.Reporting;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Replay;

/// <summary>
/// The figures a what-if replay is judged by, read from one <see cref="TraceReport"/> (real or replayed), so the
/// real trace and every design are measured by the same analysis. Durations in ns; -1 when there is no sample.
/// </summary>
public sealed record ReplayHeadlines
{
    public required string Design { get; init; }

    public long Transactions { get; init; }

    public long PageInstalls { get; init; }

    public long LruAdds { get; init; }

    public long Reclaims { get; init; }

    public long BinderWriteHolds { get; init; }

    /// <summary>Install windows that took the mmap read lock inside (6.14+ per-VMA fallback, or GUP after -EBUSY).</summary>
    public long InstallReadFallbacks { get; init; }

    public long InstallP50Ns { get; init; }

    public long InstallP99Ns { get; init; }

    public long BinderWriteHoldP50Ns { get; init; }

    /// <summary>Time other tasks' conflicting mmap_lock waits overlapped binder's holds.</summary>
    public long OthersBlockedByBinderNs { get; init; }

    public static ReplayHeadlines From(TraceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var writeHolds = report.Locks.BinderHoldNs(LockMode.Write);
        return new ReplayHeadlines
        {
            Design = report.Fingerprint.DesignName,
            Transactions = report.Transactions.Count,
            PageInstalls = report.Pages.Installs,
            LruAdds = report.Pages.LruAdds,
            Reclaims = report.Pages.Reclaims,
            BinderWriteHolds = writeHolds.Count,
            InstallReadFallbacks = report.Fingerprint.Evidence.InstallWindowsWithReadLockInside,
            InstallP50Ns = report.Pages.InstallNs.Count > 0 ? report.Pages.InstallNs.Quantile(0.5) : -1,
            InstallP99Ns = report.Pages.InstallNs.Count > 0 ? report.Pages.InstallNs.Quantile(0.99) : -1,
            BinderWriteHoldP50Ns = writeHolds.Count > 0 ? writeHolds.Quantile(0.5) : -1,
            OthersBlockedByBinderNs = report.Locks.BlockedByBinderNs,
        };
    }
}
