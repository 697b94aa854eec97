using BinderTrace.Analysis.Records;

namespace BinderTrace.Analysis.Reporting;

/// <summary>Hands every row of the trackers to two sinks: the caller's and the phase breakdown.</summary>
internal sealed class TeeSink(IAnalysisSink first, IAnalysisSink second) : IAnalysisSink
{
    public void OnPageInterval(in PageInterval interval)
    {
        first.OnPageInterval(interval);
        second.OnPageInterval(interval);
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        first.OnLockHold(hold);
        second.OnLockHold(hold);
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        first.OnLockWait(wait);
        second.OnLockWait(wait);
    }

    public void OnTransaction(TransactionRecord transaction)
    {
        first.OnTransaction(transaction);
        second.OnTransaction(transaction);
    }

    public void OnPageInstall(long startNs, long latencyNs)
    {
        first.OnPageInstall(startNs, latencyNs);
        second.OnPageInstall(startNs, latencyNs);
    }

    public void OnPageInstall(int proc, long startNs, long latencyNs)
    {
        first.OnPageInstall(proc, startNs, latencyNs);
        second.OnPageInstall(proc, startNs, latencyNs);
    }

    public void OnLockBlocker(in MmapLockBlocker blocker)
    {
        first.OnLockBlocker(blocker);
        second.OnLockBlocker(blocker);
    }

    public void OnLockHoldBlocked(in MmapLockHold hold, long waitsBlocked, long blockedNs)
    {
        first.OnLockHoldBlocked(hold, waitsBlocked, blockedNs);
        second.OnLockHoldBlocked(hold, waitsBlocked, blockedNs);
    }

    public void OnLruDwell(int proc, long startNs, long dwellNs)
    {
        first.OnLruDwell(proc, startNs, dwellNs);
        second.OnLruDwell(proc, startNs, dwellNs);
    }

    public void OnReclaim(int proc, long startNs, long durationNs)
    {
        first.OnReclaim(proc, startNs, durationNs);
        second.OnReclaim(proc, startNs, durationNs);
    }

    public void OnReinstallAfterReclaim(int proc, long reclaimedNs, long gapNs)
    {
        first.OnReinstallAfterReclaim(proc, reclaimedNs, gapNs);
        second.OnReinstallAfterReclaim(proc, reclaimedNs, gapNs);
    }

    public void OnPageCounts(int proc, long timestampNs, int active, int lru, int allActive, int allLru, bool sampled)
    {
        first.OnPageCounts(proc, timestampNs, active, lru, allActive, allLru, sampled);
        second.OnPageCounts(proc, timestampNs, active, lru, allActive, allLru, sampled);
    }
}
