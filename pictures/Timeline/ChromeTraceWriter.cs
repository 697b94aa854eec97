using System.Text.Json;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Pictures.Timeline;

/// <summary>Slices written per kind, so a caller can check them against the <c>locks</c> and <c>pages</c> tables.</summary>
/// <see cref="UnmatchedOperations"/> counts page operation starts or ends without their partner (lost events, a trace cut
/// mid-operation): they have no slice.
public sealed record TimelineCounts(
    long LockHolds, long LockWaits, long PageStates, long PageOperations, long Transactions, long UnmatchedOperations);

/// <summary>
/// Writes the analysis' reconstructed intervals as a Chrome JSON trace-event file (the format Perfetto UI and
/// chrome://tracing open): complete events (<c>"ph":"X"</c>, microseconds with ns precision) on named tracks.
/// <list type="bullet">
/// <item>"mmap_lock mm=…": per task one track of holds and one of waits, with mode, binder attribution and success.</item>
/// <item>"binder proc N pages": per page one track of FREE / ACTIVE / LRU states (the rows of <c>pages --intervals</c>)
/// and one of operations (install windows, user and kernel unmaps of a reclaim).</item>
/// <item>"binder transactions": each transaction from send to receipt as an async slice (<c>"ph":"b"</c>/<c>"e"</c>,
/// id = debug id) under its sending thread.</item>
/// </list>
/// Intervals open at either end of the trace are drawn to the trace's first or last timestamp with
/// <c>open_at_start</c> / <c>open_at_end</c> args. Rows are written as the analysis closes them: memory stays bounded
/// by the analysis' own state.
/// </summary>
public sealed class ChromeTraceWriter : IAnalysisSink
{
    private const int PagesProcessBase = 2_000_000;
    private const int LocksProcessBase = 1_000_000;
    private const int TransactionsProcess = 3_000_000;
    private const long OperationLaneStride = 10_000_000;
    private const int FlushBytes = 1 << 16;

    private readonly Utf8JsonWriter _json;
    private readonly int? _proc;
    private readonly Dictionary<ulong, int> _mmProcess = [];
    private readonly HashSet<(int Process, long Thread)> _namedThreads = [];
    private readonly HashSet<int> _namedProcesses = [];
    private readonly Dictionary<(int Proc, long Page), List<long>> _operationLanes = [];
    private readonly Dictionary<int, (EventKind Kind, long Start, int Proc, long Page)> _openOperations = [];
    private long _first = -1;
    private long _last = -1;
    private long _holds;
    private long _waits;
    private long _pageStates;
    private long _pageOperations;
    private long _transactions;
    private long _unmatchedOperations;

    private ChromeTraceWriter(Utf8JsonWriter json, int? proc)
    {
        _json = json;
        _proc = proc;
    }

    /// <summary>Reads <paramref name="source"/> to the end, analysing it and writing the timeline to <paramref name="output"/>.</summary>
    public static (TraceReport Report, TimelineCounts Counts) Write(ITraceEventSource source, Stream output, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output);
        var writer = new ChromeTraceWriter(json, options?.Proc);
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ns");
        json.WriteStartArray("traceEvents");
        var analyzer = new TraceAnalyzer(options, writer);
        while (source.TryRead(out var e))
        {
            writer.OnEvent(e);
            analyzer.OnEvent(e);
        }

        var report = analyzer.Finish(source.Info, source.Diagnostics);
        writer._unmatchedOperations += writer._openOperations.Count;
        writer.NameMmProcesses(report);
        json.WriteEndArray();
        json.WriteStartObject("metadata");
        json.WriteString("source", report.Source.SourceName);
        json.WriteString("clock", report.Source.Clock == TraceClockKind.Ticks ? "ticks" : "ns");
        json.WriteNumber("first_ts", report.FirstTimestamp);
        json.WriteNumber("last_ts", report.LastTimestamp);
        json.WriteNumber("unmatched_page_operations", writer._unmatchedOperations);
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        return (report, new TimelineCounts(
            writer._holds, writer._waits, writer._pageStates, writer._pageOperations, writer._transactions, writer._unmatchedOperations));
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        var process = ProcessOfMm(hold.Mm);
        var thread = (long)hold.Pid * 2;
        NameThread(process, thread, $"{hold.Comm} {hold.Pid} holds");
        Slice($"{LockModeNames.Of(hold.Mode)} hold{(hold.Binder ? " (binder)" : "")}", "mmap_lock_hold", process, thread, hold.StartNs, hold.EndNs);
        _json.WriteStartObject("args");
        _json.WriteNumber("pid", hold.Pid);
        _json.WriteString("comm", hold.Comm);
        _json.WriteString("mm", Hex(hold.Mm));
        _json.WriteString("mode", LockModeNames.Of(hold.Mode));
        _json.WriteBoolean("binder", hold.Binder);
        _json.WriteNumber("duration_ns", hold.DurationNs);
        EndSlice();
        _holds++;
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        var process = ProcessOfMm(wait.Mm);
        var thread = ((long)wait.Pid * 2) + 1;
        NameThread(process, thread, $"{wait.Comm} {wait.Pid} waits");
        Slice($"{LockModeNames.Of(wait.Mode)} wait{(wait.Success ? "" : " (failed)")}", "mmap_lock_wait", process, thread, wait.StartNs, wait.EndNs);
        _json.WriteStartObject("args");
        _json.WriteNumber("pid", wait.Pid);
        _json.WriteString("comm", wait.Comm);
        _json.WriteString("mm", Hex(wait.Mm));
        _json.WriteString("mode", LockModeNames.Of(wait.Mode));
        _json.WriteBoolean("binder", wait.Binder);
        _json.WriteBoolean("success", wait.Success);
        _json.WriteNumber("duration_ns", wait.DurationNs);
        EndSlice();
        _waits++;
    }

    public void OnPageInterval(in PageInterval interval)
    {
        var process = PagesProcessBase + interval.Proc;
        NameProcess(process, $"binder proc {interval.Proc} pages");
        var thread = (interval.PageIndex * 2) + 1;
        NameThread(process, thread, $"page {interval.PageIndex}");
        var name = interval.State switch
        {
            PageState.Active => "ACTIVE",
            PageState.Lru => "LRU",
            _ => "FREE",
        };
        Slice(name, "page_state", process, thread, interval.StartNs, interval.EndNs);
        _json.WriteStartObject("args");
        _json.WriteNumber("proc", interval.Proc);
        _json.WriteNumber("page", interval.PageIndex);
        _json.WriteNumber("duration_ns", interval.DurationNs);
        _json.WriteBoolean("open_at_start", interval.StartNs < 0);
        _json.WriteBoolean("open_at_end", interval.EndNs < 0);
        EndSlice();
        _pageStates++;
    }

    public void OnTransaction(TransactionRecord transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.SentNs < 0)
        {
            return;
        }

        NameProcess(TransactionsProcess, "binder transactions");
        NameThread(TransactionsProcess, transaction.FromPid, $"sent by {transaction.FromPid}");
        var end = transaction.ReceivedNs >= 0 ? transaction.ReceivedNs : transaction.SentNs;
        var kind = transaction.Reply ? "reply" : transaction.Oneway ? "one-way" : "transaction";
        var name = $"{kind} → {transaction.ToProc}";
        // One thread can send again (one-way) before its last transaction is received, so these overlap: async
        // slices (keyed by debug id) get their own rows instead of breaking the thread track's nesting.
        AsyncEdge("b", name, transaction, transaction.SentNs);
        _json.WriteStartObject("args");
        _json.WriteNumber("debug_id", transaction.DebugId);
        _json.WriteNumber("from_pid", transaction.FromPid);
        _json.WriteNumber("to_proc", transaction.ToProc);
        _json.WriteNumber("to_thread", transaction.ToThread);
        _json.WriteString("code", $"0x{transaction.Code:x}");
        _json.WriteNumber("data_size", transaction.DataSize);
        _json.WriteNumber("pages_installed", transaction.PagesInstalled);
        _json.WriteBoolean("received", transaction.ReceivedNs >= 0);
        EndSlice();
        AsyncEdge("e", name, transaction, end);
        _json.WriteEndObject();
        _transactions++;
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
        NameThread(process, thread, lane == 0 ? $"page {page} operations" : $"page {page} operations ({lane + 1})");
        var name = kind switch
        {
            EventKind.BinderAllocPageStart => "install",
            EventKind.BinderUnmapUserStart => "unmap user",
            _ => "unmap kernel",
        };
        Slice(name, "page_operation", process, thread, start, end);
        _json.WriteStartObject("args");
        _json.WriteNumber("proc", proc);
        _json.WriteNumber("page", page);
        _json.WriteNumber("duration_ns", end - start);
        EndSlice();
        _pageOperations++;
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
            NameProcess(process, owner >= 0 ? $"mmap_lock mm={Hex(mm)} (binder proc {owner})" : $"mmap_lock mm={Hex(mm)}");
        }
    }

    private void NameProcess(int process, string name)
    {
        if (!_namedProcesses.Add(process))
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

    private static string Hex(ulong mm) => mm.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

}
