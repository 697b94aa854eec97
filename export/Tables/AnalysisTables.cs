using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Export.Tables;

/// <summary>
/// Column layouts of the analysis tables (rows from <see cref="IAnalysisSink"/>). Times are TIMESTAMP(NANOS)
/// on the trace clock; -1 ("not seen in the trace") becomes null. Names are documented in the README (Parquet export).
/// </summary>
internal static class AnalysisTables
{
    public const string PageIntervals = "page_intervals";
    public const string LockHolds = "mmap_lock_holds";
    public const string LockWaits = "mmap_lock_waits";
    public const string Transactions = "transactions";

    public static TableDefinition<PageInterval> DefinePageIntervals() =>
        new TableDefinition<PageInterval>(PageIntervals)
            .Int32("proc", static (in PageInterval r) => r.Proc)
            .Int64("page_index", static (in PageInterval r) => r.PageIndex)
            .String("state", static (in PageInterval r) => StateName(r.State), dictionary: true)
            .Timestamp("start_ns", static (in PageInterval r, out long v) => Known(r.StartNs, out v))
            .Timestamp("end_ns", static (in PageInterval r, out long v) => Known(r.EndNs, out v))
            .Int64("duration_ns", static (in PageInterval r, out long v) => Known(r.DurationNs, out v));

    public static TableDefinition<MmapLockHold> DefineLockHolds() =>
        new TableDefinition<MmapLockHold>(LockHolds)
            .Int32("pid", static (in MmapLockHold r) => r.Pid)
            .String("comm", static (in MmapLockHold r) => r.Comm, dictionary: true)
            .UInt64("mm", static (in MmapLockHold r) => r.Mm)
            .String("mode", static (in MmapLockHold r) => LockModeNames.Of(r.Mode), dictionary: true)
            .Boolean("binder", static (in MmapLockHold r) => r.Binder)
            .Timestamp("start_ns", static (in MmapLockHold r) => r.StartNs)
            .Timestamp("end_ns", static (in MmapLockHold r) => r.EndNs)
            .Int64("duration_ns", static (in MmapLockHold r) => r.DurationNs);

    public static TableDefinition<MmapLockWait> DefineLockWaits() =>
        new TableDefinition<MmapLockWait>(LockWaits)
            .Int32("pid", static (in MmapLockWait r) => r.Pid)
            .String("comm", static (in MmapLockWait r) => r.Comm, dictionary: true)
            .UInt64("mm", static (in MmapLockWait r) => r.Mm)
            .String("mode", static (in MmapLockWait r) => LockModeNames.Of(r.Mode), dictionary: true)
            .Boolean("binder", static (in MmapLockWait r) => r.Binder)
            .Boolean("success", static (in MmapLockWait r) => r.Success)
            .Timestamp("start_ns", static (in MmapLockWait r) => r.StartNs)
            .Timestamp("end_ns", static (in MmapLockWait r) => r.EndNs)
            .Int64("duration_ns", static (in MmapLockWait r) => r.DurationNs);

    public static TableDefinition<TransactionRecord> DefineTransactions() =>
        new TableDefinition<TransactionRecord>(Transactions)
            .Int32("transaction", static (in TransactionRecord r) => r.DebugId)
            .Int32("from_pid", static (in TransactionRecord r) => r.FromPid)
            .Int32("dest_proc", static (in TransactionRecord r) => r.ToProc)
            .Int32("dest_thread", static (in TransactionRecord r) => r.ToThread)
            .Boolean("reply", static (in TransactionRecord r) => r.Reply)
            .Boolean("oneway", static (in TransactionRecord r) => r.Oneway)
            .UInt32("code", static (in TransactionRecord r) => r.Code)
            .Int64("data_size", static (in TransactionRecord r) => r.DataSize)
            .Int64("offsets_size", static (in TransactionRecord r) => r.OffsetsSize)
            .Int32("pages_installed", static (in TransactionRecord r) => r.PagesInstalled)
            .Timestamp("sent_ns", static (in TransactionRecord r, out long v) => Known(r.SentNs, out v))
            .Timestamp("received_ns", static (in TransactionRecord r, out long v) => Known(r.ReceivedNs, out v))
            .Timestamp("freed_ns", static (in TransactionRecord r, out long v) => Known(r.FreedNs, out v));

    public static string StateName(PageState state) => state switch
    {
        PageState.Free => "free",
        PageState.Active => "active",
        PageState.Lru => "lru",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown page state"),
    };

    private static bool Known(long value, out long v)
    {
        v = value;
        return value >= 0;
    }
}
