using System.CommandLine;
using System.IO.Compression;
using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Focus;

namespace BinderTrace.Cli.Commands;

/// <summary><c>bindertrace simulate</c>: runs the bundled reference allocator and writes a kernel-format trace.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var allocator = new Option<string>("--allocator", "-a") { Description = "Allocator design: " + string.Join(", ", AllocatorDesigns.All.Select(d => d.Name)) };
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
        command.SetAction((parseResult, cancellationToken) => Task.FromResult((int)Run(
            parseResult.GetValue(allocator),
            parseResult.GetValue(workload),
            parseResult.GetValue(seed),
            parseResult.GetValue(duration),
            parseResult.GetValue(output),
            parseResult.GetValue(list),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            Console.OpenStandardOutput,
            cancellationToken)));
        return command;
    }

    /// <summary>
    /// Resolves the design, the workload (preset name or JSON file) and the duration, then streams the trace or
    /// prints the catalogue. User errors are one line on <paramref name="stderr"/>.
    /// </summary>
    internal static ExitCode Run(
        string? design, string? workload, ulong seed, string? duration, string? output, bool list,
        TextWriter stdout, TextWriter stderr, Func<Stream>? openStandardOutput = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (list)
        {
            WriteCatalogue(stdout);
            return ExitCode.Ok;
        }

        try
        {
            var options = Resolve(design, workload, seed, duration);
            if (string.IsNullOrEmpty(output))
            {
                throw new ArgumentException("-o FILE is required (use -o - for standard output)");
            }

            if (output == "-")
            {
                // The trace is bytes, not text: the caller hands over the raw standard output behind stdout.
                var open = openStandardOutput ?? throw new ArgumentException("-o - needs a standard output stream");
                stdout.Flush();
                using var console = open();
                SimulationTextWriter.Write(options, console, cancellationToken);
                return ExitCode.Ok;
            }

            var compression = CompressionOf(output);
            // A cut-off trace would claim a wrong entry count in its header: it reaches its name only when complete.
            var summary = OutputFile.Write(
                output,
                file =>
                {
                    using var compressed = compression == OutputCompression.Gzip ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : null;
                    return SimulationTextWriter.Write(options, compressed ?? file, cancellationToken);
                },
                cancellationToken);

            stderr.WriteLine($"{summary.Design.Name} ({summary.Design.KernelLabel}), workload {summary.Workload}, seed {summary.Seed}: " +
                $"{summary.Events} events, {summary.Counters.Transactions} transactions, {summary.Counters.PagesInstalled} pages installed, " +
                $"{summary.Counters.PagesReclaimed} reclaimed -> {output}{(compression == OutputCompression.Gzip ? " (gzip)" : "")}");
            return ExitCode.Ok;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"bindertrace simulate: {e.Message}");
            return ExitCode.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("bindertrace simulate: cancelled");
            return ExitCode.Cancelled;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"bindertrace simulate: cannot write {output}: {e.Message}");
            return ExitCode.OutputFailed;
        }
    }

    /// <summary>Builds the run options; throws <see cref="ArgumentException"/> or <see cref="InvalidDataException"/> naming the bad argument.</summary>
    internal static SimulationOptions Resolve(string? design, string? workload, ulong seed, string? duration)
    {
        if (string.IsNullOrEmpty(design) || !AllocatorDesigns.Exists(design))
        {
            throw new ArgumentException($"--allocator must be one of {string.Join(", ", AllocatorDesigns.All.Select(d => d.Name))} (got '{design}')");
        }

        if (string.IsNullOrEmpty(workload))
        {
            throw new ArgumentException("--workload needs a preset name or a JSON file");
        }

        var spec = WorkloadPresets.Find(workload) ?? (File.Exists(workload)
            ? WorkloadSpec.Load(workload)
            : throw new ArgumentException($"--workload '{workload}' is neither a preset ({string.Join(", ", WorkloadPresets.All.Select(w => w.Name))}) nor an existing file"));
        return new SimulationOptions(design, spec, seed, duration is null ? null : ParseDuration(duration));
    }

    /// <summary>
    /// "250ms", "2s", "1.5s", "500us", "1000000ns". A bare number is refused with the fix in the message: "5" once
    /// meant 5 s and wrote a 130 MB file for someone who meant 5 ms.
    /// </summary>
    internal static long ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"--duration '{text}' needs a unit: write {text}s (or {text}ms, {text}us, {text}ns)");
        }

        long ns;
        try
        {
            ns = TimeWindow.ParseDuration(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--duration '{text}': {e.Message}", e);
        }

        return ns > 0 ? ns : throw new ArgumentException($"--duration '{text}': must be more than zero");
    }

    /// <summary>By the file name, as the readers detect it by content: .gz is gzip; other compressed names are refused rather than written as plain text.</summary>
    private static OutputCompression CompressionOf(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".gz" or ".gzip" => OutputCompression.Gzip,
            ".zst" or ".zstd" or ".xz" or ".bz2" or ".lz4" or ".zip" => throw new ArgumentException(
                $"-o {path}: simulate compresses only to gzip (.gz); write {Path.ChangeExtension(path, ".gz")} or a plain file"),
            _ => OutputCompression.None,
        };
    }

    private enum OutputCompression
    {
        None,
        Gzip,
    }

    private static void WriteCatalogue(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("Allocator designs (--allocator):");
        foreach (var d in AllocatorDesigns.All)
        {
            output.WriteLine($"  {d.Name,-16} kernels {d.Kernels,-24} trace label {d.KernelLabel}");
            output.WriteLine($"  {"",-16} {d.Summary}");
        }

        output.WriteLine("Workload presets (--workload):");
        foreach (var w in WorkloadPresets.All)
        {
            output.WriteLine($"  {w.Name,-16} servers {w.ServerProcesses} (loopers {w.LooperThreads}, app threads {w.AppThreads}), " +
                $"clients {w.ClientProcesses} x {w.ThreadsPerClient} threads, " +
                $"shrinker {(w.PressureIntervalNs > 0 ? $"every {w.PressureIntervalNs / 1_000_000.0:0.#} ms" : "off")}, " +
                $"default duration {w.DurationNs / 1_000_000} ms");
        }
    }
}

