using System.Text.Json;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Pictures.Html;

namespace BinderTrace.Pictures.Timeline;

/// <summary>Slices written per kind, so a caller can check them against the <c>locks</c> and <c>pages</c> tables.</summary>
/// <remarks>
/// <see cref="UnmatchedOperations"/> counts page operation starts or ends without their partner (lost events, a trace cut
/// mid-operation): they have no slice.
/// Every count includes the slices merged into aggregates (<see cref="AggregatedSlices"/> of them, into
/// <see cref="Aggregates"/> aggregates, from the slice ending at <see cref="AggregatedFromNs"/> on; -1 when none).
/// Transactions split into two-way <see cref="Calls"/> (drawn to their reply's receipt), <see cref="Replies"/> and
/// <see cref="OneWay"/>; <see cref="UnfinishedTransactions"/> of them end where the trace (or their free) does.
/// </remarks>
public sealed record TimelineCounts(
    long LockHolds, long LockWaits, long PageStates, long PageOperations, long Transactions, long UnmatchedOperations,
    long Calls, long Replies, long OneWay, long UnfinishedTransactions,
    long AggregatedSlices, long Aggregates, long AggregatedFromNs);

/// <summary>
/// Writes the analysis' reconstructed intervals as a Chrome JSON trace-event file (the format Perfetto UI and
/// chrome://tracing open): complete events (<c>"ph":"X"</c>, microseconds with ns precision) on named tracks.
/// <list type="bullet">
/// <item>"mmap_lock mm=…": per task one track of holds and one of waits, with mode, binder attribution and success.</item>
/// <item>"binder proc N pages": per page one track of FREE / ACTIVE / LRU states (the rows of <c>pages --intervals</c>)
/// and one of operations (install windows, user and kernel unmaps of a reclaim).</item>
/// <item>"binder transactions": under its sending thread, each two-way call from its send to the receipt of its reply,
/// each reply and one-way transaction from send to receipt (<see cref="TransactionSlices"/>), as async slices
/// (<c>"ph":"b"</c>/<c>"e"</c>, id = debug id) whose <c>ends_at</c> arg names the end event.</item>
/// </list>
/// Intervals open at either end of the trace are drawn to the trace's first or last timestamp with
/// <c>open_at_start</c> / <c>open_at_end</c> args. Rows are written as the analysis closes them: memory stays bounded
/// by the analysis' own state.
/// </summary>
public sealed class ChromeTraceWriter : IAnalysisSink, ITraceEventConsumer, IDisposable
{
    private const int PagesProcessBase = 2_000_000;
    private const int LocksProcessBase = 1_000_000;
    private const int TransactionsProcess = 3_000_000;
    private const int AggregatedProcessOffset = 10_000_000;
    private const long OperationLaneStride = 10_000_000;
    private const int FlushBytes = 1 << 16;

    private const string AggregationRule =
        "the first exact_slice_budget slices the analysis closes (the trace's beginning) are exact; every later slice is merged " +
        "with the others of its track that end in the same aggregate_bin_ns bin into one aggregate slice (args: count, " +
        "total_ns, count_by_name) on the track's twin in an 'aggregated' process; a narrower time window gives exact slices of a part";

    private readonly Utf8JsonWriter _json;
    private readonly int? _proc;
    private readonly TraceAnalyzer _analyzer;
    private readonly Dictionary<ulong, int> _mmProcess = [];
    private readonly HashSet<(int Process, long Thread)> _namedThreads = [];
    private readonly Dictionary<int, string> _processNames = [];
    private readonly HashSet<int> _aggregatedProcesses = [];
    private readonly Dictionary<(int Proc, long Page), List<long>> _operationLanes = [];
    private readonly Dictionary<int, (EventKind Kind, long Start, int Proc, long Page)> _openOperations = [];
    private readonly TransactionSlices _transactionSlices;
    private readonly SliceAggregates _aggregates;
    private readonly TimelineBudget _budget;
    private long _first = -1;
    private long _last = -1;
    private long _holds;
    private long _waits;
    private long _pageStates;
    private long _pageOperations;
    private long _transactions;
    private long _calls;
    private long _replies;
    private long _oneWay;
    private bool _traceRead;
    private long _unmatchedOperations;
    private long _exactLeft;

    /// <summary>Starts the timeline in <paramref name="output"/>; a pass then feeds it, and its end completes the file.</summary>
    /// <remarks>Past <paramref name="budget"/>'s exact slices (default <see cref="TimelineBudget"/>) slices are merged per track and time bin.</remarks>
    public ChromeTraceWriter(Stream output, AnalysisOptions? options = null, TimelineBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _budget = budget ?? new TimelineBudget();
        if (_budget.ExactSlices < 0 || _budget.BinNs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(budget), budget, "exact slices must be >= 0 and the bin > 0 ns");
        }

        _json = new Utf8JsonWriter(output);
        _proc = options?.Proc;
        _analyzer = new TraceAnalyzer(options, this);
        _transactionSlices = new TransactionSlices(WriteTransaction);
        _aggregates = new SliceAggregates(_budget.BinNs, WriteAggregate);
        _exactLeft = _budget.ExactSlices;
        _json.WriteStartObject();
        _json.WriteString("displayTimeUnit", "ns");
        _json.WriteStartArray("traceEvents");
    }

    /// <summary>The analysis of the events drawn, once the pass has ended.</summary>
    public TraceReport? Report { get; private set; }

    /// <summary>The slices written, once the pass has ended.</summary>
    public TimelineCounts? Counts { get; private set; }

    public void OnEvents(ReadOnlySpan<TraceEvent> batch)
    {
        foreach (ref readonly var e in batch)
        {
            OnEvent(e);
            _analyzer.OnEvent(e);
        }
    }

    public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
    {
        _traceRead = true;
        var report = _analyzer.Finish(info, diagnostics);
        _transactionSlices.Finish(_last);
        _aggregates.Finish();
        _unmatchedOperations += _openOperations.Count;
        NameMmProcesses(report);
        NameAggregatedProcesses(_budget);
        _json.WriteEndArray();
        _json.WriteStartObject("metadata");
        _json.WriteString("source", report.Source.SourceName);
        _json.WriteString("clock", report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns");
        _json.WriteNumber("first_ts", report.FirstTimestamp);
        _json.WriteNumber("last_ts", report.LastTimestamp);
        _json.WriteNumber("unmatched_page_operations", _unmatchedOperations);
        _json.WriteNumber("unfinished_transactions", _transactionSlices.Unfinished);
        _json.WriteNumber("exact_slice_budget", _budget.ExactSlices);
        _json.WriteNumber("aggregated_slices", _aggregates.Slices);
        _json.WriteNumber("aggregates", _aggregates.Written);
        _json.WriteNumber("aggregate_bin_ns", _budget.BinNs);
        _json.WriteNumber("aggregated_from_ns", _aggregates.FirstEndNs);
        _json.WriteString("aggregation", AggregationRule);
        _json.WriteString("transaction_ends", "a call ends when the caller receives its reply, a reply or one-way transaction when it is received; unfinished ones at the trace's end");
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        Report = report;
        Counts = new TimelineCounts(
            _holds, _waits, _pageStates, _pageOperations, _transactions, _unmatchedOperations,
            _calls, _replies, _oneWay, _transactionSlices.Unfinished,
            _aggregates.Slices, _aggregates.Written, _aggregates.FirstEndNs);
    }

    public void Dispose() => _json.Dispose();

    public void OnLockHold(in MmapLockHold hold)
    {
        _holds++;
        var name = $"{LockModeNames.Of(hold.Mode)} hold{(hold.Binder ? " (binder)" : "")}";
        if (LockSlice(name, isWait: false, hold.Pid, hold.Comm, hold.Mm, hold.Mode, hold.Binder, hold.StartNs, hold.EndNs))
        {
            _json.WriteNumber("duration_ns", hold.DurationNs);
            EndSlice();
        }
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        _waits++;
        var name = $"{LockModeNames.Of(wait.Mode)} wait{(wait.Success ? "" : " (failed)")}";
        if (LockSlice(name, isWait: true, wait.Pid, wait.Comm, wait.Mm, wait.Mode, wait.Binder, wait.StartNs, wait.EndNs))
        {
            _json.WriteBoolean("success", wait.Success);
            _json.WriteNumber("duration_ns", wait.DurationNs);
            EndSlice();
        }
    }

    /// <summary>
    /// A hold or wait on its task's track of its mm (holds and waits on tracks of their own); when drawn exactly, starts
    /// its args with what both share and returns true for the caller to finish them.
    /// </summary>
    private bool LockSlice(
        string name, bool isWait, int pid, string comm, ulong mm, LockMode mode, bool binder, long startNs, long endNs)
    {
        var thread = ((long)pid * 2) + (isWait ? 1 : 0);
        var (category, what) = isWait ? ("mmap_lock_wait", "waits") : ("mmap_lock_hold", "holds");
        if (!BeginSlice(name, category, ProcessOfMm(mm), thread, $"{comm} {pid} {what}", startNs, endNs))
        {
            return false;
        }

        _json.WriteStartObject("args");
        _json.WriteNumber("pid", pid);
        _json.WriteString("comm", comm);
        _json.WriteString("mm", TraceReportJson.Hex(mm));
        _json.WriteString("mode", LockModeNames.Of(mode));
        _json.WriteBoolean("binder", binder);
        return true;
    }

    public void OnPageInterval(in PageInterval interval)
    {
        var process = PagesProcessBase + interval.Proc;
        NameProcess(process, $"binder proc {interval.Proc} pages");
        var thread = (interval.PageIndex * 2) + 1;
        _pageStates++;
        var name = interval.State switch
        {
            PageState.Active => "ACTIVE",
            PageState.Lru => "LRU",
            _ => "FREE",
        };
        if (!BeginSlice(name, "page_state", process, thread, $"page {interval.PageIndex}", interval.StartNs, interval.EndNs))
        {
            return;
        }

        _json.WriteStartObject("args");
        _json.WriteNumber("proc", interval.Proc);
        _json.WriteNumber("page", interval.PageIndex);
        _json.WriteNumber("duration_ns", interval.DurationNs);
        _json.WriteBoolean("open_at_start", interval.StartNs < 0);
        _json.WriteBoolean("open_at_end", interval.EndNs < 0);
        EndSlice();
    }

    public void OnTransaction(TransactionRecord transaction)
    {
        _transactionSlices.Add(transaction, _last, _traceRead);
    }

    private void WriteTransaction(TransactionSlice slice)
    {
        var t = slice.Transaction;
        _transactions++;
        _calls += slice.Kind == TransactionSliceKind.Call ? 1 : 0;
        _replies += slice.Kind == TransactionSliceKind.Reply ? 1 : 0;
        _oneWay += slice.Kind == TransactionSliceKind.OneWay ? 1 : 0;
        NameProcess(TransactionsProcess, "binder transactions");
        var (kind, name) = slice.Kind switch
        {
            TransactionSliceKind.Call => ("call", $"call → proc {t.ToProc}"),
            TransactionSliceKind.Reply => ("reply", $"reply → proc {t.ToProc}"),
            _ => ("one-way", $"one-way → proc {t.ToProc}"),
        };
        name = slice.Unfinished ? name + " (unfinished)" : name;
        var threadName = $"sent by {t.FromPid}";
        if (!TakeExact())
        {
            Aggregate(name, "transaction", TransactionsProcess, t.FromPid, threadName, t.SentNs, slice.EndNs);
            return;
        }

        NameThread(TransactionsProcess, t.FromPid, threadName);
        // One thread can send again (one-way) before its last transaction is received, so these overlap: async
        // slices (keyed by debug id) get their own rows instead of breaking the thread track's nesting.
        AsyncEdge("b", name, t, t.SentNs);
        _json.WriteStartObject("args");
        _json.WriteString("kind", kind);
        _json.WriteNumber("debug_id", t.DebugId);
        _json.WriteNumber("from_pid", t.FromPid);
        _json.WriteNumber("to_proc", t.ToProc);
        _json.WriteNumber("to_thread", t.ToThread);
        _json.WriteString("code", $"0x{t.Code:x}");
        _json.WriteNumber("data_size", t.DataSize);
        _json.WriteNumber("pages_installed", t.PagesInstalled);
        _json.WriteNumber("received_ns", t.ReceivedNs);
        _json.WriteString("ends_at", slice.EndsAt);
        _json.WriteBoolean("unfinished", slice.Unfinished);
        if (slice.Reply is { } reply)
        {
            _json.WriteNumber("reply_debug_id", reply.DebugId);
            _json.WriteNumber("reply_sent_ns", reply.SentNs);
            _json.WriteNumber("reply_received_ns", reply.ReceivedNs);
        }

        EndSlice();
        AsyncEdge("e", name, t, slice.EndNs);
        _json.WriteEndObject();
    }

    private void OnEvent(in TraceEvent e)
    {
        if (_first < 0)
        {
            _first = e.Timestamp;
        }

        _last = Math.Max(_last, e.Timestamp);
        switch (e.Kind)
        {
            case EventKind.BinderAllocPageStart or EventKind.BinderUnmapUserStart or EventKind.BinderUnmapKernelStart:
                if (_proc is null || _proc == e.Page.Proc)
                {
                    if (!_openOperations.TryAdd(e.Pid, (e.Kind, e.Timestamp, e.Page.Proc, e.Page.PageIndex)))
                    {
                        _unmatchedOperations++;
                        _openOperations[e.Pid] = (e.Kind, e.Timestamp, e.Page.Proc, e.Page.PageIndex);
                    }
                }

                break;
            case EventKind.BinderAllocPageEnd or EventKind.BinderUnmapUserEnd or EventKind.BinderUnmapKernelEnd:
                var started = _openOperations.Remove(e.Pid, out var open);
                if (started && open.Kind == e.Kind - 1 && open.Page == e.Page.PageIndex)
                {
                    WriteOperation(open.Kind, open.Proc, open.Page, open.Start, e.Timestamp);
                }
                else if (_proc is null || _proc == e.Page.Proc)
                {
                    _unmatchedOperations += started ? 2 : 1;
                }

                break;
        }
    }

    private void WriteOperation(EventKind kind, int proc, long page, long start, long end)
    {
        var process = PagesProcessBase + proc;
        NameProcess(process, $"binder proc {proc} pages");
        var lane = LaneFor(proc, page, start, end);
        var thread = (page * 2) + 2 + (lane * OperationLaneStride);
        _pageOperations++;
        var threadName = lane == 0 ? $"page {page} operations" : $"page {page} operations ({lane + 1})";
        var name = kind switch
        {
            EventKind.BinderAllocPageStart => "install",
            EventKind.BinderUnmapUserStart => "unmap user",
            _ => "unmap kernel",
        };
        if (!BeginSlice(name, "page_operation", process, thread, threadName, start, end))
        {
            return;
        }

        _json.WriteStartObject("args");
        _json.WriteNumber("proc", proc);
        _json.WriteNumber("page", page);
        _json.WriteNumber("duration_ns", end - start);
        EndSlice();
    }

    /// <summary>
    /// Two tasks can install the same page at once (the 6.8+ re-check path), so a page's operations get as many
    /// rows as overlap. Operations are written in end order, so one that starts at or after a row's last end fits it.
    /// </summary>
    private int LaneFor(int proc, long page, long start, long end)
    {
        if (!_operationLanes.TryGetValue((proc, page), out var ends))
        {
            ends = [];
            _operationLanes[(proc, page)] = ends;
        }

        var lane = ends.FindIndex(e => e <= start);
        if (lane < 0)
        {
            ends.Add(end);
            return ends.Count - 1;
        }

        ends[lane] = end;
        return lane;
    }

    private int ProcessOfMm(ulong mm)
    {
        if (!_mmProcess.TryGetValue(mm, out var process))
        {
            process = LocksProcessBase + _mmProcess.Count;
            _mmProcess[mm] = process;
        }

        return process;
    }

    /// <summary>mm tracks are named at the end, when the analysis knows which binder process each mm belongs to.</summary>
    private void NameMmProcesses(TraceReport report)
    {
        var owners = report.LocksByMm.ToDictionary(m => m.Mm, m => m.OwnerProc);
        foreach (var (mm, process) in _mmProcess)
        {
            var owner = owners.GetValueOrDefault(mm, -1);
            NameProcess(process, owner >= 0 ? $"mmap_lock mm={TraceReportJson.Hex(mm)} (binder proc {owner})" : $"mmap_lock mm={TraceReportJson.Hex(mm)}");
        }
    }

    /// <summary>Each aggregated process is named after the process whose slices it merges, which is named by now.</summary>
    private void NameAggregatedProcesses(TimelineBudget budget)
    {
        foreach (var process in _aggregatedProcesses)
        {
            var name = _processNames.GetValueOrDefault(process, $"process {process}");
            NameProcess(process + AggregatedProcessOffset, $"{name}: aggregated per {HtmlPage.Duration(budget.BinNs)}");
        }
    }

    private void NameProcess(int process, string name)
    {
        if (!_processNames.TryAdd(process, name))
        {
            return;
        }

        Metadata("process_name", process, null, name);
    }

    private void NameThread(int process, long thread, string name)
    {
        if (!_namedThreads.Add((process, thread)))
        {
            return;
        }

        Metadata("thread_name", process, thread, name);
        _json.WriteStartObject();
        _json.WriteString("ph", "M");
        _json.WriteString("name", "thread_sort_index");
        _json.WriteNumber("pid", process);
        _json.WriteNumber("tid", thread);
        _json.WriteStartObject("args");
        _json.WriteNumber("sort_index", thread);
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    private void Metadata(string kind, int process, long? thread, string name)
    {
        _json.WriteStartObject();
        _json.WriteString("ph", "M");
        _json.WriteString("name", kind);
        _json.WriteNumber("pid", process);
        if (thread is { } tid)
        {
            _json.WriteNumber("tid", tid);
        }

        _json.WriteStartObject("args");
        _json.WriteString("name", name);
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>
    /// Starts a complete event when the budget allows (true: the caller writes its "args" object and calls
    /// <see cref="EndSlice"/>); past it, merges the slice into its track's aggregate (false).
    /// </summary>
    private bool BeginSlice(string name, string category, int process, long thread, string threadName, long startNs, long endNs)
    {
        if (!TakeExact())
        {
            Aggregate(name, category, process, thread, threadName, startNs, endNs);
            return false;
        }

        NameThread(process, thread, threadName);
        Slice(name, category, process, thread, startNs, endNs);
        return true;
    }

    private bool TakeExact()
    {
        if (_exactLeft == 0)
        {
            return false;
        }

        _exactLeft--;
        return true;
    }

    private void Aggregate(string name, string category, int process, long thread, string threadName, long startNs, long endNs)
    {
        _aggregatedProcesses.Add(process);
        NameThread(process + AggregatedProcessOffset, thread, threadName);
        var start = startNs >= 0 ? startNs : _first;
        var end = endNs >= 0 ? endNs : _last;
        _aggregates.Add(process, thread, category, name, _first, start, Math.Max(start, end));
    }

    /// <summary>
    /// One aggregate as a complete event inside its bin (its slices may reach before it: the args keep their first start),
    /// on the aggregated twin of its track, so it never overlaps that track's exact slices.
    /// </summary>
    private void WriteAggregate(SliceAggregate aggregate)
    {
        var binEnd = aggregate.BinStartNs + _aggregates.BinNs;
        var start = Math.Clamp(aggregate.FirstStartNs, aggregate.BinStartNs, binEnd);
        var end = Math.Clamp(aggregate.LastEndNs, start, binEnd);
        var noun = aggregate.Category switch
        {
            "mmap_lock_hold" => "holds",
            "mmap_lock_wait" => "waits",
            "page_state" => "page states",
            "page_operation" => "page operations",
            _ => "transactions",
        };
        Slice($"{aggregate.Count} {noun}, total {HtmlPage.Duration(aggregate.TotalNs)}", aggregate.Category + "_aggregate",
            aggregate.Process + AggregatedProcessOffset, aggregate.Thread, start, end);
        _json.WriteStartObject("args");
        _json.WriteNumber("count", aggregate.Count);
        _json.WriteNumber("total_ns", aggregate.TotalNs);
        _json.WriteNumber("first_start_ns", aggregate.FirstStartNs);
        _json.WriteNumber("last_end_ns", aggregate.LastEndNs);
        _json.WriteNumber("bin_start_ns", aggregate.BinStartNs);
        _json.WriteNumber("bin_ns", _aggregates.BinNs);
        _json.WriteStartObject("count_by_name");
        foreach (var (name, count) in aggregate.CountByName)
        {
            _json.WriteNumber(name, count);
        }

        _json.WriteEndObject();
        EndSlice();
    }

    /// <summary>Starts a complete event; the caller writes its "args" object and calls <see cref="EndSlice"/>.</summary>
    private void Slice(string name, string category, int process, long thread, long startNs, long endNs)
    {
        var start = startNs >= 0 ? startNs : _first;
        var end = endNs >= 0 ? endNs : _last;
        _json.WriteStartObject();
        _json.WriteString("ph", "X");
        _json.WriteString("name", name);
        _json.WriteString("cat", category);
        _json.WriteNumber("pid", process);
        _json.WriteNumber("tid", thread);
        _json.WriteNumber("ts", start / 1000m);
        _json.WriteNumber("dur", Math.Max(0, end - start) / 1000m);
    }

    private void AsyncEdge(string phase, string name, TransactionRecord transaction, long ns)
    {
        _json.WriteStartObject();
        _json.WriteString("ph", phase);
        _json.WriteString("name", name);
        _json.WriteString("cat", "transaction");
        _json.WriteString("id", $"0x{transaction.DebugId:x}");
        _json.WriteNumber("pid", TransactionsProcess);
        _json.WriteNumber("tid", transaction.FromPid);
        _json.WriteNumber("ts", ns / 1000m);
    }

    private void EndSlice()
    {
        _json.WriteEndObject();
        _json.WriteEndObject();
        // Utf8JsonWriter keeps everything until flushed: without this the whole file would sit in memory.
        if (_json.BytesPending >= FlushBytes)
        {
            _json.Flush();
        }
    }
}
