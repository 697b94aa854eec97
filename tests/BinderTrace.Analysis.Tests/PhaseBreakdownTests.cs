using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>The report's per-phase analyses: each phase sees its own events, markers included, and the phase limit is counted.</summary>
public sealed class PhaseBreakdownTests
{
    private const ulong Mm = 0x1000;

    [Fact]
    public void Each_phase_analyses_the_events_between_its_markers_and_overlapping_phases_both_see_them()
    {
        // A opens at 100; B opens at 300 inside A; A closes at 500; B closes at 700.
        // Locks: 150 (A only, 10 ns hold), 400 (A and B, 20 ns), 600 (B only, 30 ns), 800 (no phase, 40 ns).
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
}
