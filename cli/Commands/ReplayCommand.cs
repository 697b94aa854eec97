using System.CommandLine;
using System.Text.Json;
using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Replay;
using BinderTrace.Analysis.Replay;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;
using BinderTrace.Pipeline;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace replay TRACE --allocator DESIGN|all [--seed N] [-o FILE] [--json]</c>: extracts the workload of a
/// real trace (one pass, shared with its analysis), replays it on one design or all of them, and analyses each
/// replay like a real trace. Extraction and replay live in BinderTrace.Allocator.Replay, the headline figures in
/// BinderTrace.Analysis.Replay; this file wires them to options and output.
/// </summary>
internal static class ReplayCommand
{
    private const string AllDesigns = "all";

    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "A real trace (any format `report` reads) or - for stdin" };
        var allocator = new Option<string>("--allocator", "-a")
        {
            Description = "Design to replay on: range-read, range-write, page-write, page-concurrent, fault-deferred, or all",
            Required = true,
        };
        var seed = new Option<ulong>("--seed", "-s") { Description = "Random seed; the same seed gives the same replay", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--output", "-o") { Description = "Write the replayed trace (kernel trace text) to FILE, or - for standard output; one design only" };
        var json = new Option<bool>("--json") { Description = "The replay's report in the `report --json` form (with all: an array, the real trace first)" };
        var strict = CommonOptions.Strict();
        var command = new Command("replay", "Re-run a real trace's binder workload on another allocator design and compare with the real trace")
        {
            trace, allocator, seed, output, json, strict,
        };
        CommandRunner.SetAction(command, (parseResult, interrupt, stdout) =>
        {
            var path = parseResult.GetRequiredValue(trace);
            var designs = Designs(parseResult.GetRequiredValue(allocator));
            var outputPath = parseResult.GetValue(output);
            if (outputPath is not null && designs.Count != 1)
            {
                throw new UserErrorException("-o writes one replayed trace: give one design with --allocator, not all");
            }

            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var (real, workload) = ProgressDisplay.Run([path], progress => ExtractWithAnalysis(path, parse, progress, interrupt));
            if (workload.Transactions == 0)
            {
                throw new UserErrorException($"{path}: no binder transaction with its buffer allocation in the trace: nothing to replay");
            }

            var seedValue = parseResult.GetValue(seed);
            var replays = designs.Select(d => Analyze(workload, d, seedValue, interrupt)).ToList();
            if (outputPath is not null)
            {
                WriteTrace(workload, designs[0], seedValue, outputPath, stdout, interrupt);
            }

            if (parseResult.GetValue(json))
            {
                WriteJson(stdout, designs.Count == 1 ? replays : [real, .. replays], designs.Count > 1);
                ReplayTextRenderer.WriteNotes(parseResult.InvocationConfiguration.Error, workload);
            }
            else if (outputPath != "-")
            {
                ReplayTextRenderer.Write(stdout, path, real, replays, workload);
            }

            return ExitCode.Ok;
        });
        return command;
    }

    private static List<string> Designs(string allocator)
    {
        if (string.Equals(allocator, AllDesigns, StringComparison.OrdinalIgnoreCase))
        {
            return AllocatorDesigns.All.Select(d => d.Name).ToList();
        }

        return AllocatorDesigns.Exists(allocator)
            ? [allocator]
            : throw new UserErrorException($"--allocator must be one of {string.Join(", ", AllocatorDesigns.All.Select(d => d.Name))} or all (got '{allocator}')");
    }

    private static (TraceReport Real, TraceWorkload Workload) ExtractWithAnalysis(
        string path, ParseOptions parse, ProgressDisplay progress, CancellationToken interrupt)
    {
        using var pass = TraceInput.Open(path, parse, progress, interrupt);
        var analyzer = new TraceAnalyzer();
        var extractor = new TraceWorkloadExtractor();
        pass.Run([analyzer, extractor], interrupt);
        var real = analyzer.Report!;
        var design = real.Fingerprint.Design == Events.AllocatorDesign.Unknown ? null : real.Fingerprint.DesignName;
        return (real, extractor.Finish(pass.Info, design));
    }

    private static TraceReport Analyze(TraceWorkload workload, string design, ulong seed, CancellationToken interrupt)
    {
        using var pass = TracePass.Over(WorkloadReplay.Open(workload, design, seed), new TracePassOptions { ReadAhead = false });
        var analyzer = new TraceAnalyzer();
        pass.Run([analyzer], interrupt);
        return analyzer.Report!;
    }

    private static void WriteTrace(TraceWorkload workload, string design, ulong seed, string path, TextWriter stdout, CancellationToken interrupt)
    {
        using var replay = WorkloadReplay.Open(workload, design, seed);
        if (path == "-")
        {
            stdout.Flush();
            using var console = Console.OpenStandardOutput();
            SimulationTextWriter.Write(replay, workload.Cpus, console, cancellationToken: interrupt);
            return;
        }

        OutputFile.Write(path, file => SimulationTextWriter.Write(replay, workload.Cpus, file, cancellationToken: interrupt), interrupt);
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<TraceReport> reports, bool array)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            if (array)
            {
                json.WriteStartArray();
            }

            foreach (var report in reports)
            {
                TraceReportJson.Write(json, report);
            }

            if (array)
            {
                json.WriteEndArray();
            }
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
