using System.Runtime.InteropServices;
using BinderTrace.Analysis.Collections;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Pages;

/// <summary>
/// Reconstructs every binder page's state over time (KERNEL.md §1, §6): FREE → ACTIVE at
/// <c>binder_alloc_page_end</c>, ACTIVE → LRU at <c>binder_free_lru_end</c>, LRU → ACTIVE at
/// <c>binder_alloc_lru_end</c>, LRU → FREE at <c>binder_unmap_kernel_end</c> (the kernel clears the page pointer
/// inside that window on every version, whatever the order of the user unmap). A page first seen mid-life
/// gets the state its first event implies, with an interval start of -1. Start/end pairs are matched per task
/// (a task runs one page operation at a time; two tasks may race on one page from 6.8).
/// Memory: one slot per page ever seen plus one operation slot per task that ran one.
/// </summary>
public sealed partial class PageTimelineTracker
{
    private const int UserUnmapped = 1;
    private const int KernelUnmapped = 2;

    private readonly Dictionary<long, PageSlot> _pages = [];
    private readonly TaskTable<TaskPageOperation> _tasks = new();
    private readonly HashSet<long> _deferred = [];
    private readonly Dictionary<int, ProcessPageStatistics> _byProc = [];
    private readonly AnalysisCounters _counters;
    private readonly IAnalysisSink? _sink;
    private int _active;
    private int _lru;

    // The process of the last page event: a trace's page events mostly come from one process at a time.
    private ProcessPageStatistics? _lastStats;

    public PageTimelineTracker(AnalysisCounters counters, IAnalysisSink? sink)
    {
        _counters = counters;
        _sink = sink;
    }

    public IReadOnlyDictionary<int, ProcessPageStatistics> ByProcess => _byProc;

    /// <summary>Most pages installed at once over all processes.</summary>
    public int PeakResident { get; private set; }

    /// <summary>Most pages on the LRU at once over all processes.</summary>
    public int PeakLru { get; private set; }

    /// <summary>The binder process of the page operation <paramref name="pid"/> is between the start and end events of, or -1.</summary>
    public int OpenOperationProc(int pid) => _tasks.TryGetValue(pid, out var task) && task.IsOpen ? task.Operation.Proc : -1;

    /// <summary>Every page seen, with its per-page counters (for the <c>pages</c> table).</summary>
    public IEnumerable<PageSummary> Pages
    {
        get
        {
            foreach (var slot in _pages.Values)
            {
                yield return new PageSummary(
                    slot.Proc, slot.Page, slot.State, slot.Installs, slot.LruAdds, slot.LruRemoves, slot.Reclaims,
                    slot.Reinstalls, slot.ActiveNs, slot.LruNs);
            }
        }
    }

    public ProcessPageStatistics StatisticsFor(int proc)
    {
        if (_lastStats?.Proc == proc)
        {
            return _lastStats;
        }

        if (!_byProc.TryGetValue(proc, out var stats))
        {
            stats = new ProcessPageStatistics(proc);
            _byProc[proc] = stats;
        }

        _lastStats = stats;
        return stats;
    }

    /// <summary>
    /// Handles one binder page event. Returns true when it completed a real install (FREE → ACTIVE), so the
    /// caller can charge the page to the task's transaction.
    /// </summary>
    public bool OnPageEvent(in TraceEvent e)
    {
        var page = e.Page;
        if (page.PageIndex is < 0 or > int.MaxValue)
        {
            _counters.Increment("page_index_out_of_range");
            return false;
        }

        switch (e.Kind)
        {
            case EventKind.BinderAllocPageStart:
            case EventKind.BinderAllocLruStart:
            case EventKind.BinderFreeLruStart:
            case EventKind.BinderUnmapUserStart:
            case EventKind.BinderUnmapKernelStart:
                OnStart(e, page);
                return false;
            default:
                return OnEnd(e, page);
        }
    }

    /// <summary>Events were lost on <paramref name="cpu"/>: operations last seen there may never see their end.</summary>
    public void OnLostEvents(int cpu)
    {
        var dropped = 0;
        foreach (var task in _tasks.Values)
        {
            if (task.IsOpen && task.Operation.Cpu == cpu)
            {
                task.IsOpen = false;
                dropped++;
            }
        }

        _counters.Increment("page_operations_uncertain_after_lost_events", dropped);
    }

    /// <summary>Closes the books at the end of the trace: open intervals are emitted with an end of -1.</summary>
    public void Finish()
    {
        FlushDeferred();
        var open = 0;
        foreach (var task in _tasks.Values)
        {
            open += task.IsOpen ? 1 : 0;
            task.IsOpen = false;
        }

        _counters.Increment("page_operations_open_at_trace_end", open);
        foreach (var key in _pages.Keys.ToList())
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_pages, key);
            FinishReclaim(ref slot);
            if (!slot.Seen)
            {
                continue;
            }

            _sink?.OnPageInterval(new PageInterval(slot.Proc, slot.Page, slot.State, slot.Since, -1));
        }
    }

    private void OnStart(in TraceEvent e, PageEvent page)
    {
        if (!_tasks.TryGetValue(e.Pid, out var task))
        {
            task = new TaskPageOperation();
            _tasks.Add(e.Pid, task);
        }
        else if (task.IsOpen)
        {
            _counters.Increment(EventNames.Of(task.Operation.Kind) + "_without_end");
        }

        task.Operation = new OpenPageOperation(e.Kind, page.Proc, page.PageIndex, e.Timestamp, e.Cpu);
        task.IsOpen = true;
        var key = KeyOf(page);
        ref var slot = ref SlotFor(page, key);
        FlushDeferredBefore(ref slot, key, e.Timestamp);
        if (e.Kind is EventKind.BinderUnmapUserStart or EventKind.BinderUnmapKernelStart)
        {
            var part = e.Kind == EventKind.BinderUnmapUserStart ? UserUnmapped : KernelUnmapped;
            if (slot.ReclaimStart >= 0 && (slot.ReclaimParts & part) != 0)
            {
                FinishReclaim(ref slot);
            }

            if (slot.ReclaimStart < 0)
            {
                slot.ReclaimStart = e.Timestamp;
                slot.ReclaimLastEnd = e.Timestamp;
            }
        }
        else
        {
            FinishReclaim(ref slot);
        }
    }

    private bool OnEnd(in TraceEvent e, PageEvent page)
    {
        var startKind = StartOf(e.Kind);
        long latency = -1;
        if (_tasks.TryGetValue(e.Pid, out var task) && task.IsOpen && task.Operation is var op
            && op.Kind == startKind && op.Proc == page.Proc && op.Page == page.PageIndex)
        {
            task.IsOpen = false;
            latency = e.Timestamp - op.Start;
        }
        else
        {
            _counters.Increment(EventNames.Of(e.Kind) + "_without_start");
        }

        var key = KeyOf(page);
        ref var slot = ref SlotFor(page, key);
        FlushDeferredBefore(ref slot, key, e.Timestamp);
        var stats = StatisticsFor(page.Proc);
        if (slot.Seen && !Fits(slot.State, e.Kind) && slot.Deferred.Kind == EventKind.Generic)
        {
            // Events of different CPUs with one timestamp are printed in CPU order, not in the order they
            // happened (the 6.1 capture's global clock stalls for hundreds of events). An event that does not
            // fit waits for the next event of the same page at the same timestamp, which may be its predecessor.
            slot.Deferred = new DeferredTransition(e.Kind, e.Timestamp, latency);
            _deferred.Add(key);
            return false;
        }

        var installed = Transition(ref slot, stats, e.Kind, e.Timestamp, latency);
        if (slot.Deferred.Kind != EventKind.Generic)
        {
            var deferred = slot.Deferred;
            slot.Deferred = default;
            _deferred.Remove(key);
            installed |= Transition(ref slot, stats, deferred.Kind, deferred.Timestamp, deferred.Latency);
        }

        return installed;
    }

    /// <summary>A page leaving the LRU (reused or reclaimed) ends one dwell, when its start was seen.</summary>
    private void RecordLruDwell(in PageSlot slot, ProcessPageStatistics stats, long timestamp)
    {
        if (slot.State == PageState.Lru && slot.Since >= 0)
        {
            stats.LruDwellNs.Add(timestamp - slot.Since);
            _sink?.OnLruDwell(slot.Proc, slot.Since, timestamp - slot.Since);
        }
    }

    private bool Transition(ref PageSlot slot, ProcessPageStatistics stats, EventKind kind, long timestamp, long latency)
    {
        switch (kind)
        {
            case EventKind.BinderAllocPageEnd:
                return OnInstalled(ref slot, stats, timestamp, latency);
            case EventKind.BinderFreeLruEnd:
                Expect(ref slot, stats, PageState.Active, "lru_add_of_lru_page", "lru_add_of_free_page", timestamp);
                if (slot.State != PageState.Lru)
                {
                    Move(ref slot, stats, PageState.Lru, timestamp);
                    slot.LruAdds++;
                    stats.LruAdds++;
                }

                break;
            case EventKind.BinderAllocLruEnd:
                Expect(ref slot, stats, PageState.Lru, "lru_remove_of_active_page", "lru_remove_of_free_page", timestamp);
                RecordLruDwell(in slot, stats, timestamp);

                if (slot.State != PageState.Active)
                {
                    Move(ref slot, stats, PageState.Active, timestamp);
                    slot.LruRemoves++;
                    stats.LruRemoves++;
                }

                break;
            case EventKind.BinderUnmapKernelEnd:
                Expect(ref slot, stats, PageState.Lru, "reclaim_of_active_page", "reclaim_of_free_page", timestamp);
                RecordLruDwell(in slot, stats, timestamp);

                if (slot.State != PageState.Free)
                {
                    Move(ref slot, stats, PageState.Free, timestamp);
                    slot.Reclaims++;
                    stats.Reclaims++;
                    slot.ReclaimedAt = timestamp;
                }

                NoteUnmapEnd(ref slot, stats, KernelUnmapped, timestamp);
                break;
            case EventKind.BinderUnmapUserEnd:
                NoteUnmapEnd(ref slot, stats, UserUnmapped, timestamp);
                break;
        }

        return false;
    }

    private bool OnInstalled(ref PageSlot slot, ProcessPageStatistics stats, long timestamp, long latency)
    {
        FinishReclaim(ref slot);
        if (slot.State == PageState.Active)
        {
            slot.Seen = true;
            slot.RacedInstalls++;
            stats.RacedInstalls++;
            return false;
        }

        if (slot.State == PageState.Lru)
        {
            _counters.Increment("install_of_lru_page");
        }

        slot.Seen = true;
        Move(ref slot, stats, PageState.Active, timestamp);
        slot.Installs++;
        stats.Installs++;
        if (latency >= 0)
        {
            stats.InstallNs.Add(latency);
            _sink?.OnPageInstall(slot.Proc, timestamp - latency, latency);
        }

        if (slot.ReclaimedAt >= 0)
        {
            slot.Reinstalls++;
            stats.ReinstallsAfterReclaim++;
            stats.ReinstallAfterReclaimNs.Add(timestamp - slot.ReclaimedAt);
            _sink?.OnReinstallAfterReclaim(slot.Proc, slot.ReclaimedAt, timestamp - slot.ReclaimedAt);
            slot.ReclaimedAt = -1;
        }

        return true;
    }

    /// <summary>
    /// Checks the state an event requires. A page never seen before simply takes that state (the trace began
    /// later); a known page in another state is an anomaly, counted, and the event is trusted.
    /// </summary>
    private void Expect(ref PageSlot slot, ProcessPageStatistics stats, PageState required, string ifInOther, string ifFree, long timestamp)
    {
        if (!slot.Seen)
        {
            slot.Seen = true;
            slot.State = required;
            Count(stats, required, +1);
            _sink?.OnPageCounts(slot.Proc, timestamp, stats.Active, stats.Lru, _active, _lru, sampled: false);
            _counters.Increment(required == PageState.Lru ? "pages_first_seen_on_lru" : "pages_first_seen_active");
            return;
        }

        if (slot.State == required)
        {
            return;
        }

        _counters.Increment(slot.State == PageState.Free ? ifFree : ifInOther);
    }

    private void NoteUnmapEnd(ref PageSlot slot, ProcessPageStatistics stats, int part, long timestamp)
    {
        if (slot.ReclaimStart < 0)
        {
            return;
        }

        slot.ReclaimParts |= part;
        slot.ReclaimLastEnd = timestamp;
        if (slot.ReclaimParts == (UserUnmapped | KernelUnmapped))
        {
            stats.ReclaimNs.Add(slot.ReclaimLastEnd - slot.ReclaimStart);
            _sink?.OnReclaim(slot.Proc, slot.ReclaimStart, slot.ReclaimLastEnd - slot.ReclaimStart);
            slot.ReclaimStart = -1;
            slot.ReclaimParts = 0;
        }
    }

    /// <summary>A reclaim without a user unmap (no VMA any more) ends when the page is next touched or at trace end.</summary>
    private void FinishReclaim(ref PageSlot slot)
    {
        if (slot.ReclaimStart < 0)
        {
            return;
        }

        if (slot.ReclaimParts != 0)
        {
            StatisticsFor(slot.Proc).ReclaimNs.Add(slot.ReclaimLastEnd - slot.ReclaimStart);
            _sink?.OnReclaim(slot.Proc, slot.ReclaimStart, slot.ReclaimLastEnd - slot.ReclaimStart);
        }

        slot.ReclaimStart = -1;
        slot.ReclaimParts = 0;
    }

    private void Move(ref PageSlot slot, ProcessPageStatistics stats, PageState next, long timestamp)
    {
        var previous = slot.State;
        _sink?.OnPageInterval(new PageInterval(slot.Proc, slot.Page, previous, slot.Since, timestamp));
        if (slot.Since >= 0)
        {
            if (previous == PageState.Active)
            {
                slot.ActiveNs += timestamp - slot.Since;
            }
            else if (previous == PageState.Lru)
            {
                slot.LruNs += timestamp - slot.Since;
            }
        }

        Count(stats, previous, -1);
        Count(stats, next, +1);
        slot.State = next;
        slot.Since = timestamp;
        slot.Seen = true;
        stats.Record(timestamp);
        _sink?.OnPageCounts(slot.Proc, timestamp, stats.Active, stats.Lru, _active, _lru, sampled: true);
    }

    private void Count(ProcessPageStatistics stats, PageState state, int delta)
    {
        if (state == PageState.Active)
        {
            stats.Active += delta;
            _active += delta;
        }
        else if (state == PageState.Lru)
        {
            stats.Lru += delta;
            _lru += delta;
            PeakLru = Math.Max(PeakLru, _lru);
        }

        PeakResident = Math.Max(PeakResident, _active + _lru);
    }

    private static long KeyOf(PageEvent page) => ((long)page.Proc << 32) | (uint)page.PageIndex;

    private ref PageSlot SlotFor(PageEvent page, long key)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pages, key, out var exists);
        if (!exists)
        {
            slot = new PageSlot(page.Proc, page.PageIndex);
        }

        return ref slot;
    }

    private static EventKind StartOf(EventKind end) => end switch
    {
        EventKind.BinderAllocPageEnd => EventKind.BinderAllocPageStart,
        EventKind.BinderAllocLruEnd => EventKind.BinderAllocLruStart,
        EventKind.BinderFreeLruEnd => EventKind.BinderFreeLruStart,
        EventKind.BinderUnmapUserEnd => EventKind.BinderUnmapUserStart,
        _ => EventKind.BinderUnmapKernelStart,
    };
}
