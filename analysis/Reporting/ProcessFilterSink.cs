using BinderTrace.Analysis.Records;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// Passes on only the rows of one binder process: its pages, and lock rows on the mm its binder mapping lives
/// in (as known when the row closes: binder holds always qualify, other users' rows once binder has been seen
/// working under that mm's lock). Transactions are filtered by their tracker.
/// </summary>
internal sealed class ProcessFilterSink(IAnalysisSink inner, int proc, TraceAnalyzer analyzer) : IAnalysisSink
{
    public void OnPageInterval(in PageInterval interval)
    {
        if (interval.Proc == proc)
        {
            inner.OnPageInterval(interval);
        }
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        if (analyzer.OwnerOf(hold.Mm) == proc)
        {
            inner.OnLockHold(hold);
        }
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        if (analyzer.OwnerOf(wait.Mm) == proc)
        {
            inner.OnLockWait(wait);
        }
    }

    public void OnLockBlocker(in MmapLockBlocker blocker)
    {
        if (analyzer.OwnerOf(blocker.Mm) == proc)
        {
            inner.OnLockBlocker(blocker);
        }
    }

    public void OnTransaction(TransactionRecord transaction) => inner.OnTransaction(transaction);
}
