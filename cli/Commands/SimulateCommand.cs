using System.CommandLine;
using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Workload;
using BinderTrace.Cli.Infrastructure;

namespace BinderTrace.Cli.Commands;

/// <summary><c>bindertrace simulate</c>: runs the bundled reference allocator and writes a kernel-format trace.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var allocator = new Option<string>("--allocator", "-a") { Description = "Allocator design: range-read, range-write, page-write, page-concurrent, fault-deferred" };
        var workload = new Option<string>("--workload", "-w") { Description = "Workload preset (light, contended, reclaim) or a JSON workload file" };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Random seed; the same seed gives byte-identical output", DefaultValueFactory = _ => 1 };
        var duration = new Option<string?>("--duration", "-d") { Description = "Virtual duration, e.g. 250ms, 2s (default: the workload's)" };
        var output = new Option<string?>("--output", "-o") { Description = "Output file, or - for standard output" };
        var list = new Option<bool>("--list") { Description = "List the designs with their kernel versions, and the presets" };
        allocator.CompletionSources.Add([.. AllocatorDesigns.All.Select(d => d.Name)]);
        workload.CompletionSources.Add([.. WorkloadPresets.All.Select(w => w.Name)]);

        var command = new Command("simulate", "Simulate binder's page allocator of one kernel design and write an ftrace text trace");
        command.Options.Add(allocator);
        command.Options.Add(workload);
        command.Options.Add(seed);
        command.Options.Add(duration);
        command.Options.Add(output);
        command.Options.Add(list);
        // The async overload gives the action the Ctrl-C token; the simulation itself runs synchronously.
        command.SetAction((parseResult, cancellationToken) => Task.FromResult((int)OutcomeExitCodes.Of(SimulationInvocation.Run(
            parseResult.GetValue(allocator),
            parseResult.GetValue(workload),
            parseResult.GetValue(seed),
            parseResult.GetValue(duration),
            parseResult.GetValue(output),
            parseResult.GetValue(list),
            Console.Out,
            Console.Error,
            Console.OpenStandardOutput,
            cancellationToken))));
        return command;
    }
}
