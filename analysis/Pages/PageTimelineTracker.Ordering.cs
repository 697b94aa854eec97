using System.Runtime.InteropServices;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Pages;

/// <summary>
/// The per-page and per-task state of <see cref="PageTimelineTracker"/>, and the same-timestamp ordering repair:
/// a transition that does not fit the page's state waits (one per page) for the next event of that page; if that
/// event has the same timestamp it is applied first, otherwise the waiting one is applied as an anomaly.
/// </summary>
public sealed partial class PageTimelineTracker
{
    /// <summary>Applies every transition still waiting for a same-timestamp partner (before a snapshot or at the end).</summary>
    public void FlushDeferred()
    {
        foreach (var key in _deferred)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_pages, key);
            var deferred = slot.Deferred;
            slot.Deferred = default;
            Transition(ref slot, StatisticsFor(slot.Proc), deferred.Kind, deferred.Timestamp, deferred.Latency);
        }

        _deferred.Clear();
    }

    private void FlushDeferredBefore(ref PageSlot slot, long key, long timestamp)
    {
        if (slot.Deferred.Kind == EventKind.Generic || slot.Deferred.Timestamp >= timestamp)
        {
            return;
        }

        var deferred = slot.Deferred;
        slot.Deferred = default;
        _deferred.Remove(key);
        Transition(ref slot, StatisticsFor(slot.Proc), deferred.Kind, deferred.Timestamp, deferred.Latency);
    }

    /// <summary>Whether <paramref name="end"/> is a valid transition from <paramref name="state"/> (a second install of an active page is a valid 6.8+ race).</summary>
    private static bool Fits(PageState state, EventKind end) => end switch
    {
        EventKind.BinderAllocPageEnd => state != PageState.Lru,
        EventKind.BinderFreeLruEnd => state == PageState.Active,
        EventKind.BinderAllocLruEnd or EventKind.BinderUnmapKernelEnd => state == PageState.Lru,
        _ => true,
    };

    private readonly record struct DeferredTransition(EventKind Kind, long Timestamp, long Latency);

    private readonly record struct OpenPageOperation(EventKind Kind, int Proc, long Page, long Start, int Cpu);

    /// <summary>A task's page operation between its start and end events (kept per task, closed by <see cref="IsOpen"/>, so a task's next operation needs no new entry).</summary>
    private sealed class TaskPageOperation
    {
        public bool IsOpen;
        public OpenPageOperation Operation;
    }

    private struct PageSlot
    {
        public PageSlot(int proc, long page)
        {
            Proc = proc;
            Page = page;
            State = PageState.Free;
            Since = -1;
            ReclaimStart = -1;
            ReclaimedAt = -1;
        }

        public int Proc;
        public long Page;
        public PageState State;
        public bool Seen;
        public long Since;
        public long ReclaimStart;
        public long ReclaimLastEnd;
        public int ReclaimParts;
        public long ReclaimedAt;
        public int Installs;
        public int RacedInstalls;
        public int LruAdds;
        public int LruRemoves;
        public int Reclaims;
        public int Reinstalls;
        public long ActiveNs;
        public long LruNs;
        public DeferredTransition Deferred;
    }
}

/// <summary>One page's life in a trace: its state at the end and what happened to it.</summary>
public readonly record struct PageSummary(
    int Proc, long PageIndex, PageState FinalState, int Installs, int LruAdds, int LruRemoves, int Reclaims,
    int ReinstallsAfterReclaim, long ActiveNs, long LruNs);
