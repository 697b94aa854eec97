using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>The comm the binder process list shows: the first one seen for the pid that is not ftrace's "&lt;...&gt;" placeholder.</summary>
public sealed class BinderProcessCommTests
{
    private const int Proc = 100;

    /// <summary>
    /// Process 100 is first printed as "&lt;...&gt;"; task 356 (100 + 256, so the analyzer's recent-comm cache slot of
    /// 100) then shows "binder_srv", and the very same string instance is next printed for task 100: 100's comm is
    /// "binder_srv". A later "other" does not replace a real name.
    /// </summary>
    [Fact]
    public void A_placeholder_comm_gives_way_to_the_first_real_one_of_that_pid()
    {
        var srv = "binder_srv";
        var report = new TestTrace()
            .Add(Page(100, Proc, "<...>", EventKind.BinderAllocPageStart))
            .Add(Page(110, Proc + 256, srv, EventKind.BinderFreeLruStart))
            .Add(Page(120, Proc, srv, EventKind.BinderAllocPageEnd))
            .Add(Page(130, Proc, "other", EventKind.BinderFreeLruStart))
            .Analyze();

        Assert.Equal("binder_srv", Assert.Single(report.Processes, p => p.Proc == Proc).Comm);
    }

    private static TraceEvent Page(long ts, int pid, string comm, EventKind kind) =>
        TraceEvent.ForPage(new EventHeader(ts, 0, pid, -1, comm), kind, Proc, 1);
}
