using System.Text.Json;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;

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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(64)]
    public void A_detached_breakdown_fed_in_batches_sees_each_phase_s_events_as_an_attached_one(int batchSize)
    {
        // The same trace as above, handed over in batches that cut it anywhere (markers first, last or alone in one).
        var trace = new TestTrace()
            .Marker(100, "binder_wl: phase A begin")
            .Lock(150, 150, 160, 7, Mm, write: true)
            .Marker(300, "binder_wl: phase B begin")
            .Lock(400, 400, 420, 7, Mm, write: true)
            .Marker(500, "binder_wl: phase A end")
            .Lock(600, 600, 630, 7, Mm, write: true)
            .Marker(700, "binder_wl: phase B end")
            .Lock(800, 800, 840, 7, Mm, write: true);

        var report = AnalyzeDetached(trace.Events.ToArray(), batchSize);

        var phases = report.Phases.ToDictionary(p => p.Name, p => p.Report);
        Assert.Equal(["A", "B"], report.Phases.Select(p => p.Name));
        Assert.Equal((2L, 30L), (phases["A"].Locks.HoldNs(LockMode.Write).Count, phases["A"].Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal((2L, 50L), (phases["B"].Locks.HoldNs(LockMode.Write).Count, phases["B"].Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal((9L, 9L), (phases["A"].Events, phases["B"].Events));
        Assert.Equal((4L, 100L), (report.Locks.HoldNs(LockMode.Write).Count, report.Locks.HoldNs(LockMode.Write).Total));
        Assert.Equal(0, report.Counters["phases_not_broken_down"]);
    }

    [Fact]
    public void A_detached_breakdown_counts_the_events_of_phases_past_the_limit_in_the_owner_s_report()
    {
        var trace = new TestTrace();
        for (var i = 0; i <= PhaseBreakdown.MaxPhases; i++)
        {
            var t = 1_000L * i;
            trace.Marker(t, $"binder_wl: phase P{i} begin").Lock(t + 100, t + 100, t + 110, 7, Mm, write: false).Marker(t + 500, $"binder_wl: phase P{i} end");
        }

        var report = AnalyzeDetached(trace.Events.ToArray(), batchSize: 3);

        Assert.Equal(PhaseBreakdown.MaxPhases, report.Phases.Count);
        // The last phase's begin marker, its lock's 3 events and its end marker: 5 events.
        Assert.Equal(5, report.Counters["phases_not_broken_down"]);
    }

    [Fact]
    public void The_breakdown_is_detached_before_the_first_event_or_not_at_all()
    {
        var analyzer = new TraceAnalyzer(new AnalysisOptions { PhaseBreakdown = true });
        analyzer.OnEvent(TraceEvent.ForTracingMark(new EventHeader(1, 0, 1, -1, "t"), "tracing_mark_write", "x"));

        Assert.Throws<InvalidOperationException>(() => analyzer.DetachPhaseBreakdown());
        Assert.Null(new TraceAnalyzer().DetachPhaseBreakdown());
    }

    /// <summary>
    /// report runs the breakdown on a lane of its own; on a real capture whose phases cover most of it, the JSON
    /// (phases included) must be the one an analyzer that feeds its breakdown itself writes.
    /// </summary>
    [Fact]
    public void On_a_real_capture_a_detached_breakdown_writes_the_same_report()
    {
        var path = Path.Combine(RepositoryPaths.SharedCaptureFolder("6.12.107+deb13-amd64", "contended"), "trace.txt.gz");
        var options = new AnalysisOptions { PhaseBreakdown = true };
        TraceEvent[] events;
        TraceSourceInfo info;
        TraceDiagnostics diagnostics;
        using (var source = TraceReader.Open(path, ParseOptions.Default))
        {
            var read = new List<TraceEvent>();
            while (source.TryRead(out var e))
            {
                read.Add(e);
            }

            (events, info, diagnostics) = (read.ToArray(), source.Info, source.Diagnostics);
        }

        var attached = new TraceAnalyzer(options);
        attached.OnEvents(events);
        var detached = AnalyzeDetached(events, batchSize: 4096, options, info, diagnostics);

        var expected = Json(attached.Finish(info, diagnostics));
        Assert.Contains("\"name\": \"B-contention\"", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Json(detached));
    }

    private static TraceReport AnalyzeDetached(
        TraceEvent[] events, int batchSize, AnalysisOptions? options = null, TraceSourceInfo? info = null, TraceDiagnostics? diagnostics = null)
    {
        var analyzer = new TraceAnalyzer(options ?? new AnalysisOptions { PhaseBreakdown = true });
        var phases = analyzer.DetachPhaseBreakdown()!;
        for (var i = 0; i < events.Length; i += batchSize)
        {
            var batch = events.AsSpan(i, Math.Min(batchSize, events.Length - i));
            analyzer.OnEvents(batch);
            phases.OnEvents(batch);
        }

        info ??= new TraceSourceInfo { SourceName = "hand-built" };
        diagnostics ??= new TraceDiagnostics();
        analyzer.OnEnd(info, diagnostics);
        phases.OnEnd(info, diagnostics);
        return analyzer.Report!;
    }

    private static string Json(TraceReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            TraceReportJson.Write(json, report);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
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
