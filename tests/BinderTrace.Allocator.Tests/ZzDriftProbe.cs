using BinderTrace.Allocator.Replay;
using BinderTrace.Analysis.Replay;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;
using Xunit.Abstractions;

namespace BinderTrace.Tests;

public sealed class ZzDriftProbe(ITestOutputHelper output)
{
    [Theory]
    [InlineData("6.1.0-56-amd64", "light", "range-write")]
    [InlineData("6.1.0-56-amd64", "contended", "range-write")]
    [InlineData("6.1.0-56-amd64", "contended-2", "range-write")]
    [InlineData("6.12.107+deb13-amd64", "light", "page-write")]
    [InlineData("6.12.107+deb13-amd64", "contended", "page-write")]
    [InlineData("6.12.107+deb13-amd64", "contended-2", "page-write")]
    [InlineData("7.3.4+deb13-amd64", "light", "page-concurrent")]
    [InlineData("7.3.4+deb13-amd64", "contended", "page-concurrent")]
    [InlineData("7.3.4+deb13-amd64", "contended-2", "page-concurrent")]
    public void Probe(string kernel, string capture, string design)
    {
        using var source = TraceReader.Open(RepositoryPaths.SharedCapture(kernel, capture), ParseOptions.Default);
        var analyzer = new TraceAnalyzer();
        var extractor = new TraceWorkloadExtractor();
        var realStart = new Dictionary<int, long>();
        while (source.TryRead(out var e))
        {
            analyzer.OnEvent(e);
            extractor.OnEvent(e);
            if (e.Kind == EventKind.BinderTransaction)
            {
                realStart[e.Transaction.DebugId] = e.Timestamp;
            }
        }

        var real = ReplayHeadlines.From(analyzer.Finish(source.Info, source.Diagnostics));
        var w = extractor.Finish(source.Info, design);
        var drifts = new List<double>();
        var byId = new List<(long Real, int Id, int Pid, double Drift)>();
        var analyzer2 = new TraceAnalyzer();
        using (var replay = WorkloadReplay.Open(w, design, 1))
        {
            while (replay.TryRead(out var e))
            {
                analyzer2.OnEvent(e);
                if (e.Kind == EventKind.BinderTransaction && realStart.TryGetValue(e.Transaction.DebugId, out var rs))
                {
                    drifts.Add(Math.Abs(e.Timestamp - rs) / 1e6);
                    byId.Add((rs, e.Transaction.DebugId, e.Pid, (e.Timestamp - rs) / 1e6));
                }
            }

            var r = ReplayHeadlines.From(analyzer2.Finish(replay.Info, replay.Diagnostics));
            drifts.Sort();
            foreach (var x in byId.OrderBy(x => x.Real).Where(x => Math.Abs(x.Drift) > 20).Take(6))
            {
                output.WriteLine($"PROBE {kernel[..4]} {capture,-12}   first big: tx {x.Id} pid {x.Pid} real {x.Real / 1e9:0.000000} drift {x.Drift:0.00} ms");
            }

            output.WriteLine($"PROBE {kernel[..4]} {capture,-12} inst {Pct(r.PageInstalls, real.PageInstalls)} lru {Pct(r.LruAdds, real.LruAdds)} recl {Pct(r.Reclaims, real.Reclaims)} holds {Pct(r.BinderWriteHolds, real.BinderWriteHolds)} drift p50 {drifts[drifts.Count / 2]:0.000} p90 {drifts[drifts.Count * 9 / 10]:0.00} max {drifts[^1]:0.0} ms");
        }
    }

    private static string Pct(long a, long b) => b == 0 ? "-" : ((a - b) * 100.0 / b).ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture);
}
