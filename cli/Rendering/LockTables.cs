using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Cli.Rendering;

/// <summary>Which rows the <c>locks</c> command prints.</summary>
internal enum LockTableKind
{
    /// <summary>One row per mmap_lock hold.</summary>
    Holds,

    /// <summary>One row per wait (start_locking → acquire_returned).</summary>
    Waits,

    /// <summary>One row per (wait, conflicting holder) pair: who a wait waited behind.</summary>
    Blockers,
}

/// <summary>Streams mmap_lock rows of one kind into a table as the analysis closes them.</summary>
internal sealed class LockTableSink : IAnalysisSink
{
    private readonly RowTableWriter _table;
    private readonly LockTableKind _kind;

    public LockTableSink(RowTableWriter table, LockTableKind kind)
    {
        _table = table;
        _kind = kind;
    }

    public static IReadOnlyList<TableColumn> ColumnsFor(LockTableKind kind) => kind switch
    {
        LockTableKind.Waits =>
        [
            new("pid", 7, true), new("comm", 16, false), new("mm", 16, false), new("mode", 5, false), new("binder", 6, false),
            new("success", 7, false), new("start_ns", 16, true), new("end_ns", 16, true), new("duration_ns", 12, true),
        ],
        LockTableKind.Blockers =>
        [
            new("wait_pid", 8, true), new("wait_comm", 16, false), new("mm", 16, false), new("wait_mode", 9, false),
            new("wait_start_ns", 16, true), new("holder_pid", 10, true), new("holder_comm", 16, false),
            new("holder_mode", 11, false), new("holder_binder", 13, false), new("overlap_ns", 12, true),
        ],
        _ =>
        [
            new("pid", 7, true), new("comm", 16, false), new("mm", 16, false), new("mode", 5, false), new("binder", 6, false),
            new("start_ns", 16, true), new("end_ns", 16, true), new("duration_ns", 12, true),
        ],
    };

    public void OnLockHold(in MmapLockHold hold)
    {
        if (_kind != LockTableKind.Holds)
        {
            return;
        }

        _table.Add(hold.Pid);
        _table.Add(hold.Comm);
        _table.Add(TraceReportJson.Hex(hold.Mm));
        _table.Add(LockModeNames.Of(hold.Mode));
        _table.Add(hold.Binder);
        _table.Add(hold.StartNs);
        _table.Add(hold.EndNs);
        _table.Add(hold.DurationNs);
        _table.EndRow();
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        if (_kind != LockTableKind.Waits)
        {
            return;
        }

        _table.Add(wait.Pid);
        _table.Add(wait.Comm);
        _table.Add(TraceReportJson.Hex(wait.Mm));
        _table.Add(LockModeNames.Of(wait.Mode));
        _table.Add(wait.Binder);
        _table.Add(wait.Success);
        _table.Add(wait.StartNs);
        _table.Add(wait.EndNs);
        _table.Add(wait.DurationNs);
        _table.EndRow();
    }

    public void OnLockBlocker(in MmapLockBlocker blocker)
    {
        if (_kind != LockTableKind.Blockers)
        {
            return;
        }

        _table.Add(blocker.WaitPid);
        _table.Add(blocker.WaitComm);
        _table.Add(TraceReportJson.Hex(blocker.Mm));
        _table.Add(LockModeNames.Of(blocker.WaitMode));
        _table.Add(blocker.WaitStartNs);
        _table.Add(blocker.HolderPid);
        _table.Add(blocker.HolderComm);
        _table.Add(LockModeNames.Of(blocker.HolderMode));
        _table.Add(blocker.HolderBinder);
        _table.Add(blocker.OverlapNs);
        _table.EndRow();
    }

    public void OnPageInterval(in PageInterval interval)
    {
    }

    public void OnTransaction(TransactionRecord transaction)
    {
    }
}
