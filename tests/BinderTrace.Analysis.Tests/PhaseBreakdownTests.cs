using System.Text.Json;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Tests;

/// <summary>
/// The report's phases, derived from the whole-trace analysis: a record belongs to the phases open when it started,
/// counters are summed over a phase's spans (begin and end markers included), and the phase limit is counted.
/// </summary>
public sealed class PhaseBreakdownTests
{
    private const ulong Mm = 0x1000;
    private const int Proc = 50;

    [Fact]
    public void Overlapping_phases_both_get_the_records_that_started_while_both_were_open()
    {
        // A opens at 100; B opens at 300 inside A; A closes at 500; B closes at 700.
        // Locks: 150 (A only, 10 ns hold), 400 (A and B, 20 ns), 600 (B only, 30 ns), 800 (no phase, 40 ns); each starts
        // and ends inside the same phases.
        var trace = new TestTrace()
            .Marker(100, "binder_wl: phase A begin")
            .Lock(150, 150, 160, 7, Mm, write: true)
            .Marker(300, "binder_wl: phase B begin")
            .Lock(400, 400, 420, 7, Mm, write: true)
            .Marker(500, "binder_wl: phase A end")
            .Lock(600, 600, 630, 7, Mm, write: true)
            .Marker(700, "binder_wl: phase B end")
            .Lock(800, 800, 840, 7, Mm, write: true);

        var report = trace.Analyze(options: new AnalysisOptions { PhaseBreakdown = true });

        var phases = report.Phases.ToDictionary(p => p.Name, p => p.Report);
        Assert.Equal(["A", "B"], report.Phases.Select(p => p.Name));
        Assert.Equal((2L, 30L), (phases["A"].Locks.HoldNs(LockMode.Write).Count, phases["A"].Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal((2L, 50L), (phases["B"].Locks.HoldNs(LockMode.Write).Count, phases["B"].Locks.HoldNs(LockMode.Write).Total));
        // Each phase's events: its begin marker, 2 locks of 3 events, the other phase's marker inside it, its end marker.
        Assert.Equal((9L, 9L), (phases["A"].Events, phases["B"].Events));
        Assert.Equal((4L, 100L), (report.Locks.HoldNs(LockMode.Write).Count, report.Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal(0, report.Counters["phases_not_broken_down"]);
    }

    [Fact]
    public void Phases_past_the_limit_are_left_out_and_their_events_counted()
    {
        var trace = new TestTrace();
        for (var i = 0; i <= PhaseBreakdown.MaxPhases; i++)
        {
            var t = 1_000L * i;
            trace.Marker(t, $"binder_wl: phase P{i} begin").Lock(t + 100, t + 100, t + 110, 7, Mm, write: false).Marker(t + 500, $"binder_wl: phase P{i} end");
        }

        var report = trace.Analyze(options: new AnalysisOptions { PhaseBreakdown = true });

        Assert.Equal(PhaseBreakdown.MaxPhases, report.Phases.Count);
        Assert.DoesNotContain(report.Phases, p => p.Name == $"P{PhaseBreakdown.MaxPhases}");
        // The last phase's begin marker, its lock's 3 events and its end marker: 5 events.
        Assert.Equal(5, report.Counters["phases_not_broken_down"]);
    }

    /// <summary>
    /// Phase P spans [1000, 2000]. Before it: page 1 installed (500) and put on the LRU (800), page 2 installed (600),
    /// a write hold taken at 900, a transaction sent at 950. Inside: the transaction received (1050) and freed, the
    /// hold released (1100), page 1 taken off the LRU (1200: a dwell that started at 800), page 2 put on the LRU
    /// (1500), a write hold taken at 1900 and a transaction sent at 1950. After it: that transaction received
    /// (2050), that hold released (2100), page 2 taken off the LRU (2500: a dwell that started at 1500).
    /// </summary>
    private static TestTrace StraddlingTrace() => new TestTrace()
        .PageOp(490, 500, 7, EventKind.BinderAllocPageStart, Proc, 1)
        .PageOp(590, 600, 7, EventKind.BinderAllocPageStart, Proc, 2)
        .PageOp(795, 800, 7, EventKind.BinderFreeLruStart, Proc, 1)
        .StartLocking(900, 8, Mm, write: true)
        .Acquired(900, 8, Mm, write: true)
        .Transaction(950, 9, debugId: 1, toProc: Proc)
        .Marker(1000, "binder_wl: phase P begin")
        .Received(1050, 10, 1)
        .Freed(1060, 10, 1, Proc)
        .Released(1100, 8, Mm, write: true)
        .PageOp(1195, 1200, 7, EventKind.BinderAllocLruStart, Proc, 1)
        .PageOp(1495, 1500, 7, EventKind.BinderFreeLruStart, Proc, 2)
        .StartLocking(1900, 8, Mm, write: true)
        .Acquired(1900, 8, Mm, write: true)
        .Transaction(1950, 9, debugId: 2, toProc: Proc)
        .Marker(2000, "binder_wl: phase P end")
        .Received(2050, 10, 2)
        .Freed(2060, 10, 2, Proc)
        .Released(2100, 8, Mm, write: true)
        .PageOp(2495, 2500, 7, EventKind.BinderAllocLruStart, Proc, 2);

    [Fact]
    public void A_record_belongs_to_the_phase_it_started_in_and_counters_to_the_phase_their_event_is_in()
    {
        var report = StraddlingTrace().Analyze(options: new AnalysisOptions { PhaseBreakdown = true });

        var p = Assert.Single(report.Phases).Report;
        // Holds 900..1100 and 1900..2100: only the second started inside P (200 ns); its wait (0 ns at 1900) too.
        Assert.Equal((1L, 200L), (p.Locks.HoldNs(LockMode.Write).Count, p.Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal(1, p.Locks.WaitNs(LockMode.Write).Count);
        Assert.Equal((2L, 400L), (report.Locks.HoldNs(LockMode.Write).Count, report.Locks.HoldNs(LockMode.Write).Total));
        // Transactions sent at 950 and 1950, each delivered after 100 ns: only the second is P's.
        Assert.Equal((1L, 1L, 100L), (p.Transactions.Count, p.Transactions.DeliveryNs.Count, p.Transactions.DeliveryNs.Total));
        Assert.Equal(2, report.Transactions.Count);
        // LRU dwells 800..1200 (400 ns) and 1500..2500 (1000 ns): only the second started inside P. The LRU add at 1500
        // and the removal at 1200 are P's events, so P counts both; page 1's state from before P is known.
        Assert.Equal((1L, 1000L), (p.Pages.LruDwellNs.Count, p.Pages.LruDwellNs.Total));
        Assert.Equal((2L, 1400L), (report.Pages.LruDwellNs.Count, report.Pages.LruDwellNs.Total));
        Assert.Equal((0L, 1L, 1L), (p.Pages.Installs, p.Pages.LruAdds, p.Pages.LruRemoves));
        // At P's end page 1 is active (since 1200) and page 2 on the LRU (since 1500); at its begin both were installed,
        // page 1 on the LRU: peak 2 installed, 1 on the LRU.
        Assert.Equal((1, 1, 2, 1), (p.Pages.Active, p.Pages.Lru, p.Pages.PeakResident, p.Pages.PeakLru));
        // Marker 1000, received, freed, released, two page operations of 2 events, acquire's 2 events, sent, marker 2000.
        Assert.Equal(12, p.Events);
        Assert.Equal((1000L, 2000L), (p.FirstTimestamp, p.LastTimestamp));
        // An analysis starting at the marker would count a release without acquire, a page first seen on the LRU, a
        // hold open at its end and transactions without their send: the whole trace knows them all.
        Assert.Empty(p.Counters.All);
        Assert.Equal("phase P", p.Focus);
    }

    [Fact]
    public void Counters_are_summed_over_the_spans_of_one_name_and_nested_phases_share_records()
    {
        var trace = new TestTrace()
            .Marker(0, "binder_wl: phase O begin")
            .Marker(100, "binder_wl: phase Q begin")
            .PageOp(110, 120, 7, EventKind.BinderAllocPageStart, Proc, 1)
            .Marker(200, "binder_wl: phase Q end")
            .Lock(300, 300, 330, 8, Mm, write: true)
            .Marker(400, "binder_wl: phase Q begin")
            .PageOp(410, 425, 7, EventKind.BinderAllocPageStart, Proc, 2)
            .Marker(500, "binder_wl: phase Q end")
            .Marker(600, "binder_wl: phase O end")
            .PageOp(700, 710, 7, EventKind.BinderAllocPageStart, Proc, 3);

        var report = trace.Analyze(options: new AnalysisOptions { PhaseBreakdown = true });

        var phases = report.Phases.ToDictionary(p => p.Name);
        var q = phases["Q"];
        var o = phases["O"].Report;
        // Q: (marker 100, install's 2 events, marker 200) + (marker 400, 2 events, marker 500); installs of 10 and 15 ns.
        Assert.Equal(2, q.Spans.Count);
        Assert.Equal(200, q.DurationNs(report.LastTimestamp));
        Assert.Equal((8L, 2L, 2L, 25L), (q.Report.Events, q.Report.Pages.Installs, q.Report.Pages.InstallNs.Count, q.Report.Pages.InstallNs.Total));
        Assert.Equal(0, q.Report.Locks.HoldNs(LockMode.Write).Count);
        // O: every event from 0 to 600 (13), the same two installs and the hold at 300 (30 ns) between Q's spans.
        Assert.Equal((13L, 2L, 1L, 30L), (o.Events, o.Pages.Installs, o.Locks.HoldNs(LockMode.Write).Count, o.Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal((15L, 3L), (report.Events, report.Pages.Installs));
    }

    [Fact]
    public void Reporting_one_phase_gives_the_breakdown_entry_and_only_the_rows_that_started_inside_it()
    {
        var trace = StraddlingTrace();
        var whole = trace.Analyze(options: new AnalysisOptions { PhaseBreakdown = true });
        var rows = new RecordingSink();
        var one = trace.Analyze(rows, new AnalysisOptions { Phase = "P", Focus = new TraceFocus { Phase = "P" } });

        Assert.Equal(Json(Assert.Single(whole.Phases).Report), Json(one));
        // The hold from 1900 and its wait, the transaction sent at 1950; the hold from 900 and the one sent at 950 are left out.
        Assert.Equal([1900L], rows.Holds.Select(h => h.StartNs));
        Assert.Equal([1900L], rows.Waits.Select(w => w.StartNs));
        Assert.Equal([2], rows.Transactions.Select(t => t.DebugId));
    }

    [Fact]
    public void Reporting_a_phase_the_trace_does_not_mark_names_the_phases_it_has()
    {
        var error = Assert.Throws<TraceFocusException>(() => StraddlingTrace().Analyze(options: new AnalysisOptions { Phase = "Q" }));

        Assert.Equal("hand-built: no phase 'Q': its phases are: P", error.Message);
    }

    private static string Json(TraceReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            TraceReportJson.Write(json, report);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
