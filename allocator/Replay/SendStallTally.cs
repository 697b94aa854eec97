namespace BinderTrace.Allocator.Replay;

/// <summary>Sets each replayed send's stall from <see cref="SendStallMeter"/> and sums what was replayed and what was left to the simulator.</summary>
internal sealed class SendStallTally(string method, SendStallMeter.AllocLockScope scope, long baselineNs)
{
    /// <summary>Waits longer than this are the multi-millisecond stalls the validation document counts.</summary>
    private const long LongNs = 1_000_000;

    private int _sends;
    private long _waitNs;
    private long _explainedNs;
    private long _lockWakeNs;
    private int _replayed;
    private long _replayedNs;
    private int _long;
    private long _longNs;

    public ReplayAction Apply(SendStallMeter meter, ReplayAction send)
    {
        if (meter.StallOf(send.TransactionId, scope, baselineNs) is not { } m)
        {
            return send;
        }

        _sends++;
        _waitNs += m.WaitNs;
        _explainedNs += m.ExplainedNs;
        _lockWakeNs += m.LockWakeNs;
        if (m.StallNs > 0)
        {
            _replayed++;
            _replayedNs += m.StallNs;
        }

        if (m.StallNs > LongNs)
        {
            _long++;
            _longNs += m.StallNs;
        }

        return send with { StallNs = m.StallNs, LockWakeLatencyNs = m.LockWakeNs };
    }

    public SendStalls Summary() => new(method, baselineNs, _sends, _waitNs, _explainedNs, _lockWakeNs, _replayed, _replayedNs, _long, _longNs);
}
