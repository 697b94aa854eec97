using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>
/// The false-alarm rate of single-run comparisons on simulated A/A pairs (docs/comparison-calibration.md):
/// two seeds of the same design and workload, seeds 7001+ so none was used to measure the allowances (those
/// were 102–113). No pair may decide any metric changed, so no pair exits as a regression.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SingleRunCalibrationTests
{
    private const int PairsPerDesign = 4;

    [Theory]
    [InlineData("page-concurrent")]
    [InlineData("page-write")]
    [InlineData("range-write")]
    public void Simulated_AA_pairs_decide_nothing(string design)
    {
        var decided = new List<string>();
        for (var pair = 0; pair < PairsPerDesign; pair++)
        {
            var seed = 7001 + (ulong)(2 * pair);
            var report = new MetricComparer().Compare([Run(design, seed)], [Run(design, seed + 1)]);
            decided.AddRange(report.Metrics
                .Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved)
                .Select(m => $"seeds {seed}/{seed + 1}: {m.Metric} {m.Verdict} ({m.Reason})"));
            Assert.NotEqual(GateOutcome.Regression, report.Outcome);
        }

        Assert.Empty(decided);
    }

    private static TraceMeasurement Run(string design, ulong seed)
    {
        using var source = new SimulatedTraceSource(new SimulationOptions(design, WorkloadPresets.Contended, seed));
        return TraceMeasurementFactory.FromSource(source);
    }
}
