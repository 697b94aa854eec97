using BinderTrace.Analysis.Records;

namespace BinderTrace.Export;

/// <summary>
/// Streams the analysis' rows into the Parquet files of the requested analysis tables; rows of tables that
/// were not requested are dropped. Nothing is kept beyond the current row group.
/// </summary>
internal sealed class ParquetAnalysisSink(
    TableFile<PageInterval>? pageIntervals,
    TableFile<MmapLockHold>? lockHolds,
    TableFile<MmapLockWait>? lockWaits,
    TableFile<TransactionRecord>? transactions) : IAnalysisSink
{
    public void OnPageInterval(in PageInterval interval) => pageIntervals?.Append(in interval);

    public void OnLockHold(in MmapLockHold hold) => lockHolds?.Append(in hold);

    public void OnLockWait(in MmapLockWait wait) => lockWaits?.Append(in wait);

    public void OnTransaction(TransactionRecord transaction) => transactions?.Append(in transaction);
}
