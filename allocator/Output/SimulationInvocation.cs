using System.Globalization;
using BinderTrace.Allocator.Designs;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;

namespace BinderTrace.Allocator.Output;

/// <summary>
/// What <c>bindertrace simulate</c> does, independent of the command-line library: resolve the design, the
/// workload (preset name or JSON file) and the duration, then stream the trace or print the catalogue.
/// Returns how it ended (the command line maps that to the exit code); user errors are one line on <c>stderr</c>.
/// </summary>
public static class SimulationInvocation
{
    public static SimulationOutcome Run(
        string? design, string? workload, ulong seed, string? duration, string? output, bool list,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (list)
        {
            WriteCatalogue(stdout);
            return SimulationOutcome.Ok;
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
                stdout.Flush();
                using var console = Console.OpenStandardOutput();
                SimulationTextWriter.Write(options, console, cancellationToken);
                return SimulationOutcome.Ok;
            }

            SimulationSummary summary;
            var file = File.Create(output);
            try
            {
                summary = SimulationTextWriter.Write(options, file, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // A cut-off trace would claim a wrong entry count in its header: leave nothing behind.
                file.Dispose();
                File.Delete(output);
                throw;
            }
            finally
            {
                file.Dispose();
            }

            stderr.WriteLine($"{summary.Design.Name} ({summary.Design.KernelLabel}), workload {summary.Workload}, seed {summary.Seed}: " +
                $"{summary.Events} events, {summary.Counters.Transactions} transactions, {summary.Counters.PagesInstalled} pages installed, " +
                $"{summary.Counters.PagesReclaimed} reclaimed -> {output}");
            return SimulationOutcome.Ok;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"bindertrace simulate: {e.Message}");
            return SimulationOutcome.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("bindertrace simulate: cancelled");
            return SimulationOutcome.Cancelled;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"bindertrace simulate: cannot write {output}: {e.Message}");
            return SimulationOutcome.OutputFailed;
        }
    }

    /// <summary>Builds the run options; throws <see cref="ArgumentException"/> or <see cref="InvalidDataException"/> naming the bad argument.</summary>
    public static SimulationOptions Resolve(string? design, string? workload, ulong seed, string? duration)
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

    /// <summary>"250ms", "2s", "500us", "1000000ns"; a bare number is seconds.</summary>
    public static long ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var units = new (string Suffix, long Ns)[] { ("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000) };
        foreach (var (suffix, ns) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && long.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return checked(value * ns);
            }
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return checked(seconds * 1_000_000_000);
        }

        throw new ArgumentException($"--duration '{text}': expected a positive whole number with ns, us, ms or s (e.g. 250ms)");
    }

    public static void WriteCatalogue(TextWriter output)
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
