using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Counts on the shared real captures cross-checked with plain text tools. The expected numbers were produced by
/// (run in ../shared/traces, per capture folder):
/// <code>
/// zcat trace.txt.gz | awk '/ binder_alloc_page_end:/{a++} / binder_free_lru_end:/{f++} / binder_alloc_lru_end:/{l++}
///   / binder_unmap_kernel_end:/{k++} / binder_transaction:/{t++} /mmap_lock_acquire_returned:.*success=true/{s++}
///   /mmap_lock_acquire_returned:.*success=false/{sf++} END{print a, f, l, k, t, s, sf+0}'
/// zcat trace.txt.gz | awk '/mmap_lock_acquire_returned:/{a++} /mmap_lock_start_locking:/{s++} END{print a-s}'
/// </code>
/// Every such event must be accounted for exactly once: a page event either moves a page or is counted as an
/// anomaly; every successful acquire becomes a hold that is closed or still open at the end; every failed
/// acquire is a failed trylock or a failed wait; acquires without a start_locking (downgrades and trylocks) minus
/// starts that never got an acquire equal the difference of the two event counts. The design per kernel comes
/// from traces/README.md's table.
/// </summary>
public sealed class RealCaptureCountsTests
{
    public static TheoryData<string, string, long[], string> Captures => new()
    {
        { "6.1.0-56-amd64", "light", [97, 445, 348, 77, 177, 1166, 48, 55], "range-write" },
        { "6.1.0-56-amd64", "contended", [369, 9840, 9471, 247, 3693, 4456, 247, 289], "range-write" },
        { "6.12.107+deb13-amd64", "light", [96, 446, 351, 67, 177, 496, 0, 31], "page-write" },
        { "6.12.107+deb13-amd64", "contended", [503, 9856, 9363, 322, 3693, 2325, 34, 237], "page-write" },
        { "7.3.4+deb13-amd64", "light", [92, 432, 342, 56, 177, 453, 3, 55], "page-concurrent" },
        { "7.3.4+deb13-amd64", "contended", [433, 9860, 9427, 305, 3693, 1910, 2, 319], "page-concurrent" },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_traced_event_is_accounted_for_once_and_the_design_is_recognised(string kernel, string capture, long[] expected, string design)
    {
        using var source = TraceReader.Open(Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, capture), "trace.txt.gz"), ParseOptions.Default);
        var report = TraceAnalyzer.Analyze(source);
        var pages = report.Pages;
        var locks = report.Locks;
        var counters = report.Counters;

        Assert.Equal(expected[0], pages.Installs + pages.RacedInstalls + counters["install_of_lru_page"]);
        Assert.Equal(expected[1], pages.LruAdds + counters["lru_add_of_lru_page"] + counters["lru_add_of_free_page"]);
        Assert.Equal(expected[2], pages.LruRemoves + counters["lru_remove_of_active_page"] + counters["lru_remove_of_free_page"]);
        Assert.Equal(expected[3], pages.Reclaims + counters["reclaim_of_active_page"] + counters["reclaim_of_free_page"]);
        Assert.Equal(expected[4], report.Transactions.Count);
        var holds = locks.HoldNs(LockMode.Read).Count + locks.HoldNs(LockMode.Write).Count;
        Assert.Equal(expected[5], holds + counters["lock_holds_open_at_trace_end"]);
        Assert.Equal(expected[6], locks.FailedTrylocks + locks.FailedLocks);
        var withoutStart = locks.Downgrades + locks.TrylockAcquires + locks.FailedTrylocks;
        var startsWithoutAcquire = counters["lock_start_without_acquire"] + counters["lock_waits_open_at_trace_end"];
        Assert.Equal(expected[7], withoutStart - startsWithoutAcquire);
        Assert.Equal(design, report.Fingerprint.DesignName);
    }

    /// <summary>
    /// Binder's own mmap_lock use follows the design (KERNEL.md §7 table): 6.1 takes one write hold per missing
    /// range and a read trylock per reclaimed page; 6.12 one write hold per installed page window and a read
    /// trylock per reclaimed page; 7.3 installs and reclaims under the per-VMA lock, so binder holds at most the
    /// rare read fallbacks (2 windows in the light capture, README). Reclaims: unmap_kernel_end counts above.
    /// </summary>
    [Theory]
    [InlineData("6.1.0-56-amd64", "light", 77)]
    [InlineData("6.12.107+deb13-amd64", "light", 67)]
    public void Every_reclaimed_page_is_unmapped_under_one_binder_read_hold(string kernel, string capture, long reclaims)
    {
        using var source = TraceReader.Open(Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, capture), "trace.txt.gz"), ParseOptions.Default);
        var report = TraceAnalyzer.Analyze(source);

        Assert.Equal(reclaims, report.Locks.BinderHoldNs(LockMode.Read).Count);
    }

    /// <summary>
    /// 6.12 light: 96 alloc_page windows (count above), each with one write lock inside, all binder's.
    /// 7.3 light: no binder write hold at all.
    /// </summary>
    [Fact]
    public void Page_write_kernels_hold_one_binder_write_lock_per_window_and_page_concurrent_none()
    {
        using var k612 = TraceReader.Open(Path.Combine(RepositoryPaths.SharedCaptureFolder("6.12.107+deb13-amd64", "light"), "trace.txt.gz"), ParseOptions.Default);
        using var k73 = TraceReader.Open(Path.Combine(RepositoryPaths.SharedCaptureFolder("7.3.4+deb13-amd64", "light"), "trace.txt.gz"), ParseOptions.Default);

        Assert.Equal(96, TraceAnalyzer.Analyze(k612).Locks.BinderHoldNs(LockMode.Write).Count);
        Assert.Equal(0, TraceAnalyzer.Analyze(k73).Locks.BinderHoldNs(LockMode.Write).Count);
    }
}
