using BinderTrace.Allocator.Replay;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// An own-design replay keeps the capture's timeline: how far each replayed send's binder_transaction is from the
/// traced one, median over the sends (seed 1). The truth is the capture's own timestamps; the bounds are the
/// deviations measured with the current model (docs/replay-validation.md, 5.) rounded up, so a change that makes the
/// replay run late or early shows here even when the page counts do not move.
/// </summary>
public sealed class ReplayTimelineTests
{
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("6.1.0-56-amd64", "light", "range-write", 0.5)] // 0.34 ms
    [InlineData("6.1.0-56-amd64", "contended", "range-write", 45)] // 41.7 ms (26.8 with median lock latencies)
    [InlineData("6.1.0-56-amd64", "contended-2", "range-write", 4)] // 2.8 ms (22.9)
    [InlineData("6.12.107+deb13-amd64", "light", "page-write", 0.2)] // 0.11 ms
    [InlineData("6.12.107+deb13-amd64", "contended", "page-write", 26)] // 24.3 ms (21.2)
    [InlineData("6.12.107+deb13-amd64", "contended-2", "page-write", 7)] // 6.1 ms (7.5)
    [InlineData("7.3.4+deb13-amd64", "light", "page-concurrent", 0.3)] // 0.18 ms
    [InlineData("7.3.4+deb13-amd64", "contended", "page-concurrent", 5)] // 4.5 ms
    [InlineData("7.3.4+deb13-amd64", "contended-2", "page-concurrent", 16)] // 15.1 ms
    public void Replayed_sends_start_close_to_their_traced_time(string kernel, string capture, string design, double medianMs)
    {
        using var source = TraceReader.Open(RepositoryPaths.SharedCapture(kernel, capture), ParseOptions.Default);
        var extractor = new TraceWorkloadExtractor();
        var traced = new Dictionary<int, long>();
        while (source.TryRead(out var e))
        {
            extractor.OnEvent(e);
            if (e.Kind == EventKind.BinderTransaction)
            {
                traced[e.Transaction.DebugId] = e.Timestamp;
            }
        }

        var drifts = new List<long>();
        using (var replay = WorkloadReplay.Open(extractor.Finish(source.Info, design), design, 1))
        {
            while (replay.TryRead(out var e))
            {
                if (e.Kind == EventKind.BinderTransaction && traced.TryGetValue(e.Transaction.DebugId, out var at))
                {
                    drifts.Add(Math.Abs(e.Timestamp - at));
                }
            }
        }

        drifts.Sort();
        Assert.True(drifts.Count * 10 >= traced.Count * 9, $"{drifts.Count} of {traced.Count} sends replayed");
        Assert.True(drifts[drifts.Count / 2] <= medianMs * 1_000_000, $"median send {drifts[drifts.Count / 2] / 1e6:0.000} ms from its traced time");
    }
}
