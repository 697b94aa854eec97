using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Cli.Rendering;
using BinderTrace.Comparison;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Pipeline;

namespace BinderTrace.Cli.Demo;

/// <summary>What <c>bindertrace demo</c> simulates and compares.</summary>
internal sealed record DemoSettings(string BaselineDesign, string CandidateDesign, string Workload, int Runs, ulong FirstSeed);

/// <summary>
/// The README's main job, with no input needed: the same workload on two allocator designs, several seeded
/// runs each (so the comparison can use its multi-run statistics), compared metric by metric. It prints the
/// headline metrics first, then the full table, then the commands to go further with real traces.
/// </summary>
internal static class DemoScenario
{
    private const int MaxOtherChanges = 16;

    public static ExitCode Run(DemoSettings settings, TextWriter output, CancellationToken interrupt = default)
    {
        var baselineDesign = RequireDesign(settings.BaselineDesign);
        var candidateDesign = RequireDesign(settings.CandidateDesign);
        var workload = WorkloadPresets.Find(settings.Workload)
            ?? throw new UserErrorException($"--workload: unknown preset \"{settings.Workload}\" (presets: {string.Join(", ", WorkloadPresets.All.Select(w => w.Name))})");
        if (settings.Runs < 1)
        {
            throw new UserErrorException("--runs: at least one run per design is needed");
        }

        output.WriteLine($"BinderTrace demo: the '{workload.Name}' workload on two binder page-allocator designs, {settings.Runs} seeded runs each");
        output.WriteLine($"  baseline:  {baselineDesign.Name,-16} ({baselineDesign.Kernels}) {baselineDesign.Summary}");
        output.WriteLine($"  candidate: {candidateDesign.Name,-16} ({candidateDesign.Kernels}) {candidateDesign.Summary}");
        output.WriteLine();

        var baseline = Measure(baselineDesign.Name, workload, settings, interrupt);
        var candidate = Measure(candidateDesign.Name, workload, settings, interrupt);
        var comparison = new MetricComparer().Compare(baseline, candidate);

        output.WriteLine("Headline metrics (medians over runs):");
        var headline = OverallVerdict.Headline.Select(name => comparison.Metrics.FirstOrDefault(m => m.Metric == name)).OfType<MetricComparison>().ToList();
        new ComparisonTextRenderer(new ComparisonTextLayout(AllMetrics: true)).Write(output, new ComparisonReport(
            [$"{baselineDesign.Name} x {settings.Runs} runs"], [$"{candidateDesign.Name} x {settings.Runs} runs"],
            headline, comparison.DataQuality, comparison.Options));
        output.WriteLine();
        output.WriteLine($"All {comparison.Metrics.Count} metrics: {MetricValueFormat.Tally(comparison)}.");
        output.WriteLine("Other decided changes (listed; the headline metrics above decide the overall verdict):");
        WriteOtherChanges(output, comparison, headline);
        output.WriteLine();
        WriteNextCommands(output, settings, baselineDesign.Name, candidateDesign.Name, workload.Name);
        return ExitCode.Ok;
    }

    /// <summary>A design change trades costs: the decided changes outside the headline are listed, worst first.</summary>
    private static void WriteOtherChanges(TextWriter output, ComparisonReport comparison, List<MetricComparison> headline)
    {
        var others = comparison.Metrics
            .Where(m => m.Verdict is Verdict.Regressed or Verdict.Improved && !headline.Contains(m))
            .OrderBy(m => m.Verdict == Verdict.Regressed ? 0 : 1)
            .ThenBy(m => m.Metric, StringComparer.Ordinal)
            .ToList();
        foreach (var metric in others.Take(MaxOtherChanges))
        {
            output.WriteLine($"  {MetricValueFormat.VerdictName(metric.Verdict),-9} {metric.Metric}: " +
                $"{MetricValueFormat.Value(metric.Baseline, metric.Kind)} -> {MetricValueFormat.Value(metric.Candidate, metric.Kind)} ({metric.RelativeChange})");
        }

        if (others.Count > MaxOtherChanges)
        {
            output.WriteLine($"  ... and {others.Count - MaxOtherChanges} more decided changes (see the compare command below)");
        }
    }

    private static AllocatorDesignInfo RequireDesign(string name) =>
        AllocatorDesigns.All.FirstOrDefault(d => d.Name == name)
        ?? throw new UserErrorException($"unknown allocator design \"{name}\" (designs: {string.Join(", ", AllocatorDesigns.All.Select(d => d.Name))})");

    /// <summary>Runs are independent simulations, so they are spread over the cores; results keep seed order.</summary>
    private static List<TraceMeasurement> Measure(string design, WorkloadSpec workload, DemoSettings settings, CancellationToken interrupt)
    {
        var runs = new TraceMeasurement[settings.Runs];
        Parallel.For(0, settings.Runs, new ParallelOptions { CancellationToken = interrupt }, run =>
        {
            var measurement = new TraceMeasurementCollector();
            using var pass = TracePass.Over(
                new SimulatedTraceSource(new SimulationOptions(design, workload, settings.FirstSeed + (ulong)run)),
                new TracePassOptions { ReadAhead = false });
            pass.Run([measurement], interrupt);
            runs[run] = measurement.Measurement!;
        });
        return [.. runs];
    }

    private static void WriteNextCommands(TextWriter output, DemoSettings settings, string baseline, string candidate, string workload)
    {
        var seed = settings.FirstSeed;
        output.WriteLine("Next steps:");
        output.WriteLine($"  bindertrace simulate --allocator {baseline} --workload {workload} --seed {seed} -o {baseline}.trace");
        output.WriteLine($"  bindertrace simulate --allocator {candidate} --workload {workload} --seed {seed} -o {candidate}.trace");
        output.WriteLine($"  bindertrace report {candidate}.trace              # pages, mmap_lock waits/holds, binder's share, fingerprint");
        output.WriteLine($"  bindertrace locks {candidate}.trace --csv         # every mmap_lock hold");
        output.WriteLine($"  bindertrace compare --baseline {baseline}.trace --candidate {candidate}.trace");
        output.WriteLine("  bindertrace gate --config gates.json --baseline BASE... --candidate CAND...   # CI: exit 1 on regression");
        output.WriteLine($"  bindertrace export {baseline}.trace {candidate}.trace -o parquet/   # for DuckDB, pandas, Spark");
        output.WriteLine("  bindertrace simulate --list                        # designs, kernel versions, workload presets");
        output.WriteLine("Real traces work the same way: bindertrace report /sys/kernel/tracing/trace (or a trace.dat, a Perfetto trace, trace-cmd report or atrace output).");
    }
}
