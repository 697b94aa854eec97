using System.CommandLine;
using BinderTrace.Comparison;
using BinderTrace.Cli.Demo;
using BinderTrace.Cli.Infrastructure;

namespace BinderTrace.Cli.Commands;

/// <summary><c>bindertrace demo</c>: simulate, analyse and compare two allocator designs with no input files.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var baseline = new Option<string>("--baseline-design") { Description = "Design of the baseline side", DefaultValueFactory = _ => "page-write" };
        var candidate = new Option<string>("--candidate-design") { Description = "Design of the candidate side", DefaultValueFactory = _ => "page-concurrent" };
        var workload = new Option<string>("--workload") { Description = "Workload preset", DefaultValueFactory = _ => "contended" };
        var runs = new Option<int>("--runs")
        {
            Description = "Seeded runs per design (the multi-run statistics need several)",
            DefaultValueFactory = _ => ComparisonOptions.RecommendedRunsPerSide,
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first run", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", "Simulate one workload on two allocator designs (page-write -> page-concurrent by default) and compare them")
        {
            baseline, candidate, workload, runs, seed,
        };
        CommandRunner.SetAction(command, (parseResult, interrupt, output) => DemoScenario.Run(
            new DemoSettings(
                parseResult.GetRequiredValue(baseline),
                parseResult.GetRequiredValue(candidate),
                parseResult.GetRequiredValue(workload),
                parseResult.GetValue(runs),
                parseResult.GetValue(seed)),
            output,
            interrupt));
        return command;
    }
}
