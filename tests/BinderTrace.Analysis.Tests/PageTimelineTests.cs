using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Hand-built page lives; every expected interval and latency is worked out in the comments.</summary>
public sealed class PageTimelineTests
{
    private const int Proc = 100;
    private const int Client = 7;
    private const int Shrinker = 9;

    /// <summary>
    /// 6.1 order (unmap_user before unmap_kernel), page 3 of proc 100:
    ///   install 100..150 → ACTIVE at 150; LRU add 200..210 → LRU at 210; LRU remove 300..310 → ACTIVE at 310;
    ///   LRU add 400..410 → LRU at 410; shrinker unmap_user 500..520, unmap_kernel 530..540 → FREE at 540;
    ///   reinstall 1000..1100 → ACTIVE at 1100, open at trace end.
    /// Intervals: FREE(-1,150) ACTIVE(150,210) LRU(210,310) ACTIVE(310,410) LRU(410,540) FREE(540,1100) ACTIVE(1100,-1).
    /// Install latencies 50 and 100; LRU dwell 310-210=100 and 540-410=130; reclaim 540-500=40;
    /// reclaim → reinstall 1100-540=560.
    /// </summary>
    [Fact]
    public void A_full_page_life_gives_the_hand_computed_intervals_and_latencies()
    {
        var trace = new TestTrace()
            .PageOp(100, 150, Client, EventKind.BinderAllocPageStart, Proc, 3)
            .PageOp(200, 210, Client, EventKind.BinderFreeLruStart, Proc, 3)
            .PageOp(300, 310, Client, EventKind.BinderAllocLruStart, Proc, 3)
            .PageOp(400, 410, Client, EventKind.BinderFreeLruStart, Proc, 3)
            .PageOp(500, 520, Shrinker, EventKind.BinderUnmapUserStart, Proc, 3)
            .PageOp(530, 540, Shrinker, EventKind.BinderUnmapKernelStart, Proc, 3)
            .PageOp(1000, 1100, Client, EventKind.BinderAllocPageStart, Proc, 3);

        var sink = new RecordingSink();
        var report = trace.Analyze(sink);

        Assert.Equal(
            [
                new PageInterval(Proc, 3, PageState.Free, -1, 150),
                new PageInterval(Proc, 3, PageState.Active, 150, 210),
                new PageInterval(Proc, 3, PageState.Lru, 210, 310),
                new PageInterval(Proc, 3, PageState.Active, 310, 410),
                new PageInterval(Proc, 3, PageState.Lru, 410, 540),
                new PageInterval(Proc, 3, PageState.Free, 540, 1100),
                new PageInterval(Proc, 3, PageState.Active, 1100, -1),
            ],
            sink.Intervals);
        var pages = report.Pages;
        Assert.Equal((2L, 2L, 1L, 1L, 1L), (pages.Installs, pages.LruAdds, pages.LruRemoves, pages.Reclaims, pages.ReinstallsAfterReclaim));
        Assert.Equal((2L, 150L, 50L, 100L), (pages.InstallNs.Count, pages.InstallNs.Total, pages.InstallNs.Min, pages.InstallNs.Max));
        Assert.Equal((2L, 230L), (pages.LruDwellNs.Count, pages.LruDwellNs.Total));
        Assert.Equal((1L, 40L), (pages.ReclaimNs.Count, pages.ReclaimNs.Total));
        Assert.Equal((1L, 560L), (pages.ReinstallAfterReclaimNs.Count, pages.ReinstallAfterReclaimNs.Total));
        Assert.Equal((1, 0, 1), (pages.Active, pages.Lru, pages.PeakResident));
        Assert.Empty(report.Counters.All);
    }

    /// <summary>
    /// 6.8+ order: unmap_kernel 500..510 (page pointer cleared: FREE at 510), then unmap_user 520..540.
    /// Reclaim latency = 540 - 500 = 40, LRU interval ends at 510.
    /// </summary>
    [Fact]
    public void Kernel_first_reclaim_frees_the_page_at_unmap_kernel_end_and_spans_both_unmaps()
    {
        var sink = new TestTrace()
            .PageOp(100, 150, Client, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(200, 210, Client, EventKind.BinderFreeLruStart, Proc, 0)
            .PageOp(500, 510, Shrinker, EventKind.BinderUnmapKernelStart, Proc, 0)
            .PageOp(520, 540, Shrinker, EventKind.BinderUnmapUserStart, Proc, 0)
            .AnalyzeRows();

        Assert.Contains(new PageInterval(Proc, 0, PageState.Lru, 210, 510), sink.Intervals);
        Assert.Contains(new PageInterval(Proc, 0, PageState.Free, 510, -1), sink.Intervals);
        var report = new TestTrace()
            .PageOp(100, 150, Client, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(200, 210, Client, EventKind.BinderFreeLruStart, Proc, 0)
            .PageOp(500, 510, Shrinker, EventKind.BinderUnmapKernelStart, Proc, 0)
            .PageOp(520, 540, Shrinker, EventKind.BinderUnmapUserStart, Proc, 0)
            .Analyze();
        Assert.Equal((1L, 40L), (report.Pages.ReclaimNs.Count, report.Pages.ReclaimNs.Total));
    }

    /// <summary>
    /// 6.8–6.13: two tasks race for page 5 (KERNEL.md §6: "if another task installed it meanwhile the pair still
    /// appears"). Task 7 100..150 installs; task 8 105..160 finds it installed. One install (latency 50), one race.
    /// </summary>
    [Fact]
    public void A_second_install_window_on_an_installed_page_is_a_race_not_an_install()
    {
        var report = new TestTrace()
            .Page(100, 7, EventKind.BinderAllocPageStart, Proc, 5)
            .Page(105, 8, EventKind.BinderAllocPageStart, Proc, 5, cpu: 1)
            .Page(150, 7, EventKind.BinderAllocPageEnd, Proc, 5)
            .Page(160, 8, EventKind.BinderAllocPageEnd, Proc, 5, cpu: 1)
            .Analyze();

        Assert.Equal((1L, 1L, 50L), (report.Pages.Installs, report.Pages.RacedInstalls, report.Pages.InstallNs.Total));
        Assert.Empty(report.Counters.All);
    }

    /// <summary>
    /// A trace starting mid-life: the first event of page 2 is an LRU removal, so the page was on the LRU since
    /// before the trace (interval start -1) and is ACTIVE afterwards. An end without a start and a start without an
    /// end are counted by name, never fatal.
    /// </summary>
    [Fact]
    public void Pages_first_seen_mid_life_take_the_implied_state_and_unmatched_events_are_counted()
    {
        var trace = new TestTrace()
            .PageOp(100, 110, Client, EventKind.BinderAllocLruStart, Proc, 2)
            .Page(200, Client, EventKind.BinderFreeLruEnd, Proc, 4)
            .Page(300, Client, EventKind.BinderAllocPageStart, Proc, 6);
        var sink = new RecordingSink();
        var report = trace.Analyze(sink);

        Assert.Contains(new PageInterval(Proc, 2, PageState.Lru, -1, 110), sink.Intervals);
        Assert.Contains(new PageInterval(Proc, 4, PageState.Active, -1, 200), sink.Intervals);
        Assert.Equal(1, report.Counters["binder_free_lru_end_without_start"]);
        Assert.Equal((1L, 1L), (report.Counters["pages_first_seen_on_lru"], report.Counters["pages_first_seen_active"]));
        Assert.Equal(1, report.Counters["page_operations_open_at_trace_end"]);
        Assert.Equal((1, 1), (report.Pages.Active, report.Pages.Lru));
    }

    /// <summary>
    /// Events of two CPUs at one timestamp arrive in CPU order, not in the order they happened: CPU 0 removes page
    /// 1 from the LRU at t=500, CPU 2 had put it there at t=500 too. Applying the removal after the add gives the
    /// true end state (ACTIVE) and no anomaly; a genuinely impossible event later (a removal of an ACTIVE page at
    /// t=900) is counted.
    /// </summary>
    [Fact]
    public void Same_timestamp_events_from_two_cpus_are_applied_in_the_order_that_fits()
    {
        var report = new TestTrace()
            .PageOp(100, 150, Client, EventKind.BinderAllocPageStart, Proc, 1)
            .PageOp(500, 500, 11, EventKind.BinderAllocLruStart, Proc, 1, cpu: 0)
            .PageOp(500, 500, 12, EventKind.BinderFreeLruStart, Proc, 1, cpu: 2)
            .PageOp(900, 900, 11, EventKind.BinderAllocLruStart, Proc, 1)
            .Analyze();

        Assert.Equal((1L, 1L), (report.Pages.LruAdds, report.Pages.LruRemoves));
        Assert.Equal(1, report.Counters["lru_remove_of_active_page"]);
        Assert.Equal((1, 0), (report.Pages.Active, report.Pages.Lru));
    }

    /// <summary>A lost-events marker on CPU 1 drops the page operation that was open there (its end may be lost).</summary>
    [Fact]
    public void Lost_events_make_open_operations_on_that_cpu_uncertain()
    {
        var report = new TestTrace()
            .Page(100, Client, EventKind.BinderAllocPageStart, Proc, 0, cpu: 1)
            .Page(110, 8, EventKind.BinderAllocPageStart, Proc, 1, cpu: 2)
            .Lost(120, cpu: 1)
            .Page(130, 8, EventKind.BinderAllocPageEnd, Proc, 1, cpu: 2)
            .Analyze();

        Assert.Equal(1, report.Counters["page_operations_uncertain_after_lost_events"]);
        Assert.Equal((1L, 20L), (report.Pages.Installs, report.Pages.InstallNs.Total));
    }

    /// <summary>Marker snapshots hold each process's active and LRU counts at the marker (pages 0,1 installed, 1 freed).</summary>
    [Fact]
    public void Markers_snapshot_the_page_counts_of_every_process()
    {
        var report = new TestTrace()
            .PageOp(100, 110, Client, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(120, 130, Client, EventKind.BinderAllocPageStart, Proc, 1)
            .PageOp(140, 150, Client, EventKind.BinderFreeLruStart, Proc, 1)
            .Marker(200, "phase end")
            .PageOp(300, 310, Client, EventKind.BinderAllocPageStart, 200, 0)
            .Analyze();

        var marker = Assert.Single(report.Markers);
        Assert.Equal("phase end", marker.Text);
        Assert.Equal([new(Proc, 1, 1)], marker.Counts);
    }

    /// <summary>
    /// The all-process peak is of the sum, not a sum of peaks: proc 100's page lives 100..540 (reclaimed at
    /// unmap_kernel_end 540), proc 200's page is installed at 700; never two pages at once, so the peak is 1.
    /// </summary>
    [Fact]
    public void The_peak_over_all_processes_counts_pages_installed_at_the_same_time()
    {
        var report = new TestTrace()
            .PageOp(100, 150, Client, EventKind.BinderAllocPageStart, Proc, 0)
            .PageOp(200, 210, Client, EventKind.BinderFreeLruStart, Proc, 0)
            .PageOp(500, 510, Shrinker, EventKind.BinderUnmapUserStart, Proc, 0)
            .PageOp(530, 540, Shrinker, EventKind.BinderUnmapKernelStart, Proc, 0)
            .PageOp(600, 700, Client, EventKind.BinderAllocPageStart, 200, 0)
            .Analyze();

        Assert.Equal((1, 1, 2), (report.Pages.PeakResident, report.Pages.PeakLru, report.PagesByProcess.Sum(p => p.PeakResident)));
    }

    /// <summary>
    /// An end that is not the task's open operation (page 2's install end while the task installs page 1) is counted
    /// and leaves that operation open: page 1's end at 150 still matches its start at 100, a latency of 50. Page 2 is
    /// installed too, without a latency. Installs 2, install_ns one value of 50, nothing open at the end.
    /// </summary>
    [Fact]
    public void An_end_of_another_page_leaves_the_tasks_open_operation_to_its_own_end()
    {
        var report = new TestTrace()
            .Page(100, Client, EventKind.BinderAllocPageStart, Proc, 1)
            .Page(120, Client, EventKind.BinderAllocPageEnd, Proc, 2)
            .Page(150, Client, EventKind.BinderAllocPageEnd, Proc, 1)
            .Analyze();

        Assert.Equal(1, report.Counters["binder_alloc_page_end_without_start"]);
        Assert.Equal(0, report.Counters["page_operations_open_at_trace_end"]);
        Assert.Equal(2, report.Pages.Installs);
        Assert.Equal((1L, 50L), (report.Pages.InstallNs.Count, report.Pages.InstallNs.Total));
    }
}
