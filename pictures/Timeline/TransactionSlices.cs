using BinderTrace.Analysis.Records;

namespace BinderTrace.Pictures.Timeline;

/// <summary>What a transaction slice stands for: a two-way call with its reply, the reply itself, or a one-way transaction.</summary>
internal enum TransactionSliceKind
{
    Call,
    Reply,
    OneWay,
}

/// <summary>
/// One transaction as drawn: <see cref="Transaction"/> from its send to <see cref="EndNs"/>; <see cref="EndsAt"/> says
/// which event that end is, <see cref="Unfinished"/> that the event the slice should end at is not in the trace.
/// <see cref="Reply"/> is a call's matched reply.
/// </summary>
internal readonly record struct TransactionSlice(
    TransactionSliceKind Kind, TransactionRecord Transaction, long EndNs, string EndsAt, bool Unfinished, TransactionRecord? Reply);

/// <summary>
/// Turns the analysis' transaction records into slices. A two-way call goes from its send to the receipt of its reply
/// by the caller (the reply's <c>binder_transaction_received</c>: the instant <c>report</c>'s round_trip_ns ends); a
/// reply and a one-way transaction go from send to receipt. A slice whose end is not in the trace is drawn to the trace's
/// end and marked unfinished (a call freed without a matched reply: to its free, also unfinished).
/// Records arrive as the analysis closes them: the kernel frees a call when its reply is sent and the reply when it is
/// read, so a call normally waits here only that long for its reply's record. At most <see cref="MaxAwaiting"/> calls
/// wait; beyond that the oldest is drawn, unfinished, to the last event read then.
/// </summary>
internal sealed class TransactionSlices(Action<TransactionSlice> draw)
{
    public const int MaxAwaiting = 1 << 16;

    public const string TraceEnd = "trace end";
    public const string GivenUp = "last event read when the timeline stopped waiting for it";

    private readonly Dictionary<int, Awaiting> _callsAwaitingReply = [];
    private readonly Dictionary<int, Awaiting> _repliesAwaitingCall = [];
    private readonly Queue<Awaiting> _awaitingOrder = new();
    private long _awaited;

    /// <summary>Slices drawn whose proper end is not in the trace.</summary>
    public long Unfinished { get; private set; }

    /// <summary>
    /// Takes one record; <paramref name="lastNs"/> is the last timestamp read so far (the trace's end once
    /// <paramref name="atTraceEnd"/>: the analysis emits what is still open when the trace has been read).
    /// </summary>
    public void Add(TransactionRecord transaction, long lastNs, bool atTraceEnd)
    {
        if (transaction.Reply)
        {
            Draw(TransactionSliceKind.Reply, transaction, null, lastNs, atTraceEnd);
            if (transaction.RequestDebugId < 0)
            {
                return;
            }

            if (_callsAwaitingReply.Remove(transaction.RequestDebugId, out var call))
            {
                Draw(TransactionSliceKind.Call, call.Record, transaction, lastNs, atTraceEnd);
            }
            else
            {
                // Records come in free order, which lost events can turn around: the call may still come.
                Await(_repliesAwaitingCall, transaction.RequestDebugId, transaction, lastNs);
            }
        }
        else if (transaction.Oneway)
        {
            Draw(TransactionSliceKind.OneWay, transaction, null, lastNs, atTraceEnd);
        }
        else if (_repliesAwaitingCall.Remove(transaction.DebugId, out var reply))
        {
            Draw(TransactionSliceKind.Call, transaction, reply.Record, lastNs, atTraceEnd);
        }
        else
        {
            Await(_callsAwaitingReply, transaction.DebugId, transaction, lastNs);
        }
    }

    /// <summary>Draws every call still waiting: its reply is not in the trace.</summary>
    public void Finish(long traceEndNs)
    {
        foreach (var call in _awaitingOrder.Where(c => !c.Record.Reply && IsWaiting(_callsAwaitingReply, c.Record.DebugId, c)))
        {
            Draw(TransactionSliceKind.Call, call.Record, null, traceEndNs, atTraceEnd: true);
        }

        _awaitingOrder.Clear();
        _callsAwaitingReply.Clear();
        _repliesAwaitingCall.Clear();
    }

    private static bool IsWaiting(Dictionary<int, Awaiting> waiting, int id, Awaiting entry) =>
        waiting.TryGetValue(id, out var current) && current.Number == entry.Number;

    private void Await(Dictionary<int, Awaiting> waiting, int id, TransactionRecord transaction, long lastNs)
    {
        // Debug ids can repeat (a counter that wrapped, concatenated captures): the earlier one will get no partner now.
        if (waiting.Remove(id, out var earlier) && !earlier.Record.Reply)
        {
            Draw(TransactionSliceKind.Call, earlier.Record, null, lastNs, atTraceEnd: false);
        }

        var entry = new Awaiting(_awaited++, transaction);
        waiting[id] = entry;
        _awaitingOrder.Enqueue(entry);
        while (_awaitingOrder.Count > MaxAwaiting)
        {
            var oldest = _awaitingOrder.Dequeue();
            var oldestId = oldest.Record.Reply ? oldest.Record.RequestDebugId : oldest.Record.DebugId;
            var map = oldest.Record.Reply ? _repliesAwaitingCall : _callsAwaitingReply;
            if (IsWaiting(map, oldestId, oldest))
            {
                map.Remove(oldestId);
                if (!oldest.Record.Reply)
                {
                    Draw(TransactionSliceKind.Call, oldest.Record, null, lastNs, atTraceEnd: false);
                }
            }
        }
    }

    private void Draw(TransactionSliceKind kind, TransactionRecord transaction, TransactionRecord? reply, long lastNs, bool atTraceEnd)
    {
        // The event this slice should end at: the reply's receipt for a call, its own receipt otherwise.
        var ending = kind == TransactionSliceKind.Call ? reply : transaction;
        var (end, endsAt, unfinished) = ending is { ReceivedNs: >= 0 } received
            ? (received.ReceivedNs, kind == TransactionSliceKind.Call ? "reply received" : "received", false)
            : kind == TransactionSliceKind.Call && reply is null && transaction.FreedNs >= 0
                ? (transaction.FreedNs, "freed (the reply was sent or the call failed; no reply matched)", true)
                : kind != TransactionSliceKind.Call && transaction.FreedNs >= 0
                    ? (transaction.FreedNs, "freed, never received", false)
                    : (lastNs, atTraceEnd ? TraceEnd : GivenUp, true);
        if (unfinished)
        {
            Unfinished++;
        }

        draw(new TransactionSlice(kind, transaction, Math.Max(end, transaction.SentNs), endsAt, unfinished, reply));
    }

    /// <summary>A record waiting for its partner, numbered in arrival order: records are values, so the number tells two of one debug id apart.</summary>
    private readonly record struct Awaiting(long Number, TransactionRecord Record);
}
