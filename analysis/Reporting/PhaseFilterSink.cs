using BinderTrace.Analysis.Records;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// Passes on only the rows that started inside one phase (<see cref="AnalysisOptions.Phase"/>), so a sink sees the
/// rows the phase's report is made of. Rows with an unknown start (the trace began inside them) belong to no phase.
/// </summary>
internal sealed class PhaseFilterSink(IAnalysisSink inner, string phase, PhaseBreakdown phases) : IAnalysisSink
{
    public void OnPageInterval(in PageInterval interval)
    {
        if (phases.Contains(phase, interval.StartNs))
        {
            inner.OnPageInterval(interval);
        }
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        if (phases.Contains(phase, hold.StartNs))
        {
            inner.OnLockHold(hold);
        }
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        if (phases.Contains(phase, wait.StartNs))
        {
            inner.OnLockWait(wait);
        }
    }

    public void OnTransaction(TransactionRecord transaction)
    {
        if (phases.Contains(phase, transaction.SentNs))
        {
            inner.OnTransaction(transaction);
        }
    }

    public void OnPageInstall(long startNs, long latencyNs)
    {
        if (phases.Contains(phase, startNs))
        {
            inner.OnPageInstall(startNs, latencyNs);
        }
    }

    public void OnPageInstall(int proc, long startNs, long latencyNs)
    {
        if (phases.Contains(phase, startNs))
        {
            inner.OnPageInstall(proc, startNs, latencyNs);
        }
    }

    /// <summary>A (wait, holder) pair belongs where the wait started.</summary>
    public void OnLockBlocker(in MmapLockBlocker blocker)
    {
        if (phases.Contains(phase, blocker.WaitStartNs))
        {
            inner.OnLockBlocker(blocker);
        }
    }

    public void OnLockHoldBlocked(in MmapLockHold hold, long waitsBlocked, long blockedNs)
    {
        if (phases.Contains(phase, hold.StartNs))
        {
            inner.OnLockHoldBlocked(hold, waitsBlocked, blockedNs);
        }
    }

    public void OnLruDwell(int proc, long startNs, long dwellNs)
    {
        if (phases.Contains(phase, startNs))
        {
            inner.OnLruDwell(proc, startNs, dwellNs);
        }
    }

    public void OnReclaim(int proc, long startNs, long durationNs)
    {
        if (phases.Contains(phase, startNs))
        {
            inner.OnReclaim(proc, startNs, durationNs);
        }
    }

    public void OnReinstallAfterReclaim(int proc, long reclaimedNs, long gapNs)
    {
        if (phases.Contains(phase, reclaimedNs + gapNs))
        {
            inner.OnReinstallAfterReclaim(proc, reclaimedNs, gapNs);
        }
    }

    public void OnPageCounts(int proc, long timestampNs, int active, int lru, int allActive, int allLru, bool sampled)
    {
        if (phases.Contains(phase, timestampNs))
        {
            inner.OnPageCounts(proc, timestampNs, active, lru, allActive, allLru, sampled);
        }
    }
}
