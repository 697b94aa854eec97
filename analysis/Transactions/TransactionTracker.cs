using System.Runtime.InteropServices;
using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Transactions;

/// <summary>
/// Follows binder transactions: <c>binder_transaction</c> (sender task) → <c>binder_transaction_alloc_buf</c> (same
/// task, after the target buffer and its pages were set up) → <c>binder_transaction_received</c> (receiving task) →
/// <c>binder_txn_latency_free</c> (freed). Pages installed by the sender between the first two events are charged to
/// the transaction. A reply (reply=1) sent by the task that received a two-way request back to that request's
/// sender closes the round trip. Memory: transactions in flight, the last <see cref="MaxInFlight"/> transactions sent (older
/// ones still unfreed are reported as incomplete).
/// </summary>
public sealed class TransactionTracker
{
    public const int MaxInFlight = 1 << 16;
    private const uint OneWayFlag = 0x01;
    private const int MaxNesting = 64;

    private readonly Dictionary<int, Pending> _inFlight = [];
    private readonly Stack<Pending> _spare = new();
    private readonly Queue<int> _order = new();
    private readonly Dictionary<int, Allocation> _allocatingByTask = [];
    private readonly Dictionary<int, Stack<(int DebugId, int FromPid, int ToProc, long SentNs)>> _servingByTask = [];
    private readonly AnalysisCounters _counters;
    private readonly IAnalysisSink? _sink;
    private readonly int? _procFilter;
    private readonly Dictionary<int, long> _byProc = [];
    private readonly Dictionary<int, int> _procOfThread = [];

    public TransactionTracker(AnalysisCounters counters, IAnalysisSink? sink, int? procFilter)
    {
        _counters = counters;
        _sink = sink;
        _procFilter = procFilter;
    }

    public TransactionStatistics Statistics { get; } = new();

    /// <summary>Receives every transaction and round trip the statistics count, without a row object (the phase breakdown).</summary>
    internal ITransactionCounts? Counts { get; init; }

    /// <summary>Transactions per binder process they were sent to or from (every process, whatever the filter).</summary>
    public IReadOnlyDictionary<int, long> TransactionsByProc => _byProc;

    /// <summary>The target process of the transaction <paramref name="pid"/> is allocating a buffer for, or -1.</summary>
    public int AllocatingFor(int pid) => _allocatingByTask.TryGetValue(pid, out var a) ? a.ToProc : -1;

    public void OnEvent(in TraceEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.BinderTransaction:
                OnTransaction(e);
                break;
            case EventKind.BinderTransactionAllocBuf:
                OnAllocBuf(e);
                break;
            case EventKind.BinderTransactionReceived:
                OnReceived(e);
                break;
            case EventKind.BinderTxnLatencyFree:
                OnFreed(e);
                break;
        }
    }

    /// <summary>The task completed a page install: charge it to the transaction it is allocating for.</summary>
    public void OnPageInstalled(int pid)
    {
        if (_allocatingByTask.TryGetValue(pid, out var allocation) && _inFlight.TryGetValue(allocation.DebugId, out var pending))
        {
            pending.PagesInstalled++;
        }
    }

    public void Finish()
    {
        _counters.Increment("transactions_in_flight_at_trace_end", _inFlight.Count);
        foreach (var id in _order)
        {
            if (_inFlight.Remove(id, out var pending))
            {
                Emit(pending);
            }
        }

        _order.Clear();
    }

    private void OnTransaction(in TraceEvent e)
    {
        var t = e.Transaction;
        if (_inFlight.Remove(t.DebugId, out var reused))
        {
            _counters.Increment("transaction_id_reused");
            Emit(reused);
        }

        var pending = (_spare.TryPop(out var spare) ? spare : new Pending())
            .Start(t.DebugId, e.Pid, e.Tgid, t.ToProc, t.ToThread, t.Reply != 0, (t.Flags & OneWayFlag) != 0, t.Code, e.Timestamp);
        pending.FromProc = e.Tgid > 0 ? e.Tgid : _procOfThread.GetValueOrDefault(e.Pid, -1);
        if (pending.Reply && t.ToThread > 0)
        {
            _procOfThread[t.ToThread] = t.ToProc;
        }

        _inFlight[t.DebugId] = pending;
        _order.Enqueue(t.DebugId);
        while (_order.TryPeek(out var front) && !_inFlight.ContainsKey(front))
        {
            _order.Dequeue();
        }

        _allocatingByTask[e.Pid] = new Allocation(t.DebugId, t.ToProc);
        if (pending.Reply && _servingByTask.TryGetValue(e.Pid, out var serving))
        {
            while (serving.Count > 0)
            {
                var request = serving.Pop();
                if (request.FromPid == t.ToThread)
                {
                    pending.RequestDebugId = request.DebugId;
                    pending.RequestSentNs = request.SentNs;
                    pending.RequestToProc = request.ToProc;
                    break;
                }
            }
        }

        while (_order.Count > MaxInFlight && _order.TryDequeue(out var oldest))
        {
            if (_inFlight.Remove(oldest, out var evicted))
            {
                _counters.Increment("transactions_evicted_unfinished");
                Emit(evicted);
            }
        }
    }

    private void OnAllocBuf(in TraceEvent e)
    {
        var buffer = e.Buffer;
        if (_allocatingByTask.Remove(e.Pid, out var allocation) && allocation.DebugId == buffer.DebugId
            && _inFlight.TryGetValue(buffer.DebugId, out var pending))
        {
            pending.DataSize = buffer.DataSize;
            pending.OffsetsSize = buffer.OffsetsSize;
            return;
        }

        _counters.Increment("alloc_buf_without_transaction");
    }

    private void OnReceived(in TraceEvent e)
    {
        if (!_inFlight.TryGetValue(e.TransactionId, out var pending))
        {
            _counters.Increment("received_without_transaction");
            return;
        }

        pending.ReceivedNs = e.Timestamp;
        _procOfThread[e.Pid] = pending.ToProc;
        if (!pending.Reply && !pending.OneWay)
        {
            if (!_servingByTask.TryGetValue(e.Pid, out var serving))
            {
                serving = new Stack<(int, int, int, long)>();
                _servingByTask[e.Pid] = serving;
            }

            if (serving.Count < MaxNesting)
            {
                serving.Push((pending.DebugId, pending.FromPid, pending.ToProc, pending.SentNs));
            }
        }

        if (pending.Reply && pending.RequestSentNs >= 0 && (_procFilter is null || _procFilter == pending.RequestToProc || _procFilter == pending.ToProc))
        {
            Statistics.RoundTripNs.Add(e.Timestamp - pending.RequestSentNs);
            Counts?.OnRoundTrip(pending.RequestSentNs, e.Timestamp - pending.RequestSentNs);
        }
    }

    private void OnFreed(in TraceEvent e)
    {
        if (_inFlight.Remove(e.TxnLatencyFree.DebugId, out var pending))
        {
            pending.FreedNs = e.Timestamp;
            if (e.TxnLatencyFree.FromProc > 0)
            {
                pending.FromProc = e.TxnLatencyFree.FromProc;
            }
            Emit(pending);
        }
        else
        {
            _counters.Increment("freed_without_transaction");
        }
    }

    private void Emit(Pending p)
    {
        Record(p);
        _spare.Push(p);
    }

    private void Record(Pending p)
    {
        CollectionsMarshal.GetValueRefOrAddDefault(_byProc, p.ToProc, out _)++;
        // The sender's process: from the TGID column, binder_txn_latency_free's from=, or a thread seen receiving for it.
        var from = p.FromProc > 0 ? p.FromProc : _procOfThread.GetValueOrDefault(p.FromPid, p.Reply ? p.RequestToProc : -1);
        if (from > 0 && from != p.ToProc)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_byProc, from, out _)++;
        }

        if (_procFilter is { } proc && p.ToProc != proc && p.RequestToProc != proc && from != proc && p.FromTgid != proc && p.FromPid != proc)
        {
            return;
        }

        // Pages go into the receiver's buffer: under a filter, a reply to a client installs the client's pages, not the process's.
        var pagesInProcess = _procFilter is null || p.ToProc == _procFilter ? p.PagesInstalled : 0;
        var counted = new CountedTransaction(p.SentNs, p.ReceivedNs, p.Reply, p.OneWay, pagesInProcess, p.DataSize, p.OffsetsSize);
        Statistics.Add(counted);
        Counts?.OnTransactionCounted(counted);
        _sink?.OnTransaction(new TransactionRecord(
            p.DebugId, p.FromPid, p.ToProc, p.ToThread, p.Reply, p.OneWay, p.Code, p.DataSize, p.OffsetsSize,
            p.PagesInstalled, p.SentNs, p.ReceivedNs, p.FreedNs) { RequestDebugId = p.RequestDebugId });
    }

    private readonly record struct Allocation(int DebugId, int ToProc);

    /// <summary>
    /// A transaction in flight. Reused once emitted: one per transaction was nearly all of <c>report</c>'s allocation
    /// (71 of 95 MB on the 1.1 GB bench trace), enough to fill the garbage collector's young generation on large traces
    /// only and so make peak memory grow with the trace's size.
    /// </summary>
    private sealed class Pending
    {
        public int DebugId { get; private set; }

        public int FromPid { get; private set; }

        public int FromTgid { get; private set; }

        public int ToProc { get; private set; }

        public int ToThread { get; private set; }

        public bool Reply { get; private set; }

        public bool OneWay { get; private set; }

        public uint Code { get; private set; }

        public long SentNs { get; private set; }

        public int RequestDebugId { get; set; }

        public long RequestSentNs { get; set; }

        public int RequestToProc { get; set; }

        public int FromProc { get; set; }

        public long ReceivedNs { get; set; }

        public long FreedNs { get; set; }

        public long DataSize { get; set; }

        public long OffsetsSize { get; set; }

        public int PagesInstalled { get; set; }

        public Pending Start(int debugId, int fromPid, int fromTgid, int toProc, int toThread, bool reply, bool oneWay, uint code, long sentNs)
        {
            DebugId = debugId;
            FromPid = fromPid;
            FromTgid = fromTgid;
            ToProc = toProc;
            ToThread = toThread;
            Reply = reply;
            OneWay = oneWay;
            Code = code;
            SentNs = sentNs;
            RequestDebugId = -1;
            RequestSentNs = -1;
            RequestToProc = -1;
            FromProc = -1;
            ReceivedNs = -1;
            FreedNs = -1;
            DataSize = -1;
            OffsetsSize = -1;
            PagesInstalled = 0;
            return this;
        }
    }
}
