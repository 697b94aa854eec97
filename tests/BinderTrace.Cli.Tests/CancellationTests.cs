using System.Diagnostics;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Cli;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 13: Ctrl-C stops every command that reads or writes a trace with exit 130, and leaves no half-written
/// file (nor the temporary one it was written under) behind.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private const string GateFile = "gate.json";

    private static readonly string Light = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");

    private readonly string _dir = Directory.CreateTempSubdirectory("bindertrace-cancel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string[]> Commands() =>
    [
        ["report", "{trace}"],
        ["report", "{trace}", "--html", "{dir}/report.html"],
        ["stats", "{trace}"],
        ["pages", "{trace}", "--csv"],
        ["locks", "{trace}", "--csv"],
        ["timeline", "{trace}", "-o", "{dir}/timeline.json"],
        ["compare", "--baseline", "{trace}", "--candidate", "{trace}"],
        ["compare", "--baseline", "{trace}", "--candidate", "{trace}", "--html", "{dir}/compare.html"],
        ["gate", "--config", "{dir}/" + GateFile, "--baseline", "{trace}", "--candidate", "{trace}", "--junit", "{dir}/junit.xml"],
        ["replay", "{trace}", "--allocator", "page-concurrent"],
        ["replay", "{trace}", "--allocator", "page-concurrent", "-o", "{dir}/replayed.trace"],
        ["simulate", "--allocator", "page-write", "--workload", "light", "-o", "{dir}/simulated.trace"],
        ["export", "{trace}", "-o", "{dir}/parquet"],
        ["demo", "--runs", "2"],
    ];

    /// <summary>
    /// The token is already cancelled when the command starts, so a command that did not hand it on would run to
    /// the end and exit 0 (as every command but <c>export</c> and <c>simulate</c> did before).
    /// </summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public void An_interrupted_command_exits_130_and_writes_no_file(string[] command)
    {
        File.WriteAllText(Path.Combine(_dir, GateFile), """{"gates": [{"metric": "pages.install_ns.p99", "max_increase": "10%"}]}""");
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();

        var result = CliRun.Invoke(interrupt.Token, [.. command.Select(a => a.Replace("{trace}", Light, StringComparison.Ordinal).Replace("{dir}", _dir, StringComparison.Ordinal))]);

        Assert.True(result.ExitCode == 130, $"exit {result.ExitCode}: {result.Error}");
        Assert.EndsWith("cancelled", result.Error.Trim(), StringComparison.Ordinal);
        Assert.Equal([GateFile], FilesLeft());
    }

    [Fact]
    public void An_interrupted_timeline_leaves_the_previous_file_of_that_name_as_it_was()
    {
        var target = Path.Combine(_dir, "timeline.json");
        File.WriteAllText(target, "the previous timeline");
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();

        var result = CliRun.Invoke(interrupt.Token, "timeline", Light, "-o", target);

        Assert.Equal(130, result.ExitCode);
        Assert.Equal("the previous timeline", File.ReadAllText(target));
        Assert.Equal(["timeline.json"], FilesLeft());
    }

    [Fact]
    public void A_finished_timeline_replaces_the_previous_file_and_leaves_no_temporary_one()
    {
        var target = Path.Combine(_dir, "timeline.json");
        File.WriteAllText(target, "the previous timeline");

        var result = CliRun.Invoke("timeline", Light, "-o", target);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("{", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(["timeline.json"], FilesLeft());
    }

    /// <summary>
    /// A second Ctrl-C ends the process the default way, before it can delete its temporary file; the next write of
    /// the same target removes it. 99999999 is above Linux's largest pid_max (2^22), so that writer is gone.
    /// </summary>
    [Fact]
    public void A_timeline_removes_what_a_killed_write_of_the_same_file_left_and_nothing_else()
    {
        var target = Path.Combine(_dir, "timeline.json");
        var abandoned = $".timeline.json.99999999.{Guid.NewGuid():N}.tmp";
        var otherTarget = $".other.json.99999999.{Guid.NewGuid():N}.tmp";
        var live = $".timeline.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        foreach (var name in new[] { abandoned, otherTarget, live })
        {
            File.WriteAllText(Path.Combine(_dir, name), "x");
        }

        var result = CliRun.Invoke("timeline", Light, "-o", target);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new[] { live, otherTarget, "timeline.json" }.Order(StringComparer.Ordinal), FilesLeft());
    }

    [Fact]
    public void A_timeline_into_a_missing_folder_is_an_input_error_naming_the_target_not_the_temporary_file()
    {
        var target = Path.Combine(_dir, "missing", "timeline.json");

        var result = CliRun.Invoke("timeline", Light, "-o", target);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"bindertrace: {target}: the folder {Path.Combine(_dir, "missing")} does not exist", result.Error.Trim());
        Assert.Empty(FilesLeft());
    }

    /// <summary>
    /// A real SIGINT to the installed tool in the middle of a pass: a 250 ms simulation of the contended workload
    /// (about 100 MB of ftrace text) takes the timeline command seconds to read, and the signal is sent once its
    /// temporary output file exists, that is once the pass has begun.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Sigint_stops_a_timeline_mid_pass_with_exit_130_and_no_output_file()
    {
        var trace = Path.Combine(_dir, "big.trace");
        using (var file = File.Create(trace))
        {
            SimulationTextWriter.Write(new SimulationOptions("page-write", WorkloadPresets.Find("contended")!, 1, 250_000_000), file);
        }

        var target = Path.Combine(_dir, "timeline.json");
        using var child = Process.Start(Tool("timeline", trace, "-o", target))!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        var started = Stopwatch.StartNew();
        while (!Directory.EnumerateFiles(_dir, ".timeline.json.*.tmp").Any())
        {
            Assert.False(child.HasExited, $"the timeline ended (exit {(child.HasExited ? child.ExitCode : 0)}) before it could be interrupted");
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), "the timeline never started writing");
            await Task.Delay(10);
        }

        await InterruptAndExpectCancelled(child, stderr);
        Assert.Equal("", await stdout);
        Assert.Equal(["big.trace"], FilesLeft());
    }

    /// <summary>
    /// A real SIGINT to <c>stats -</c> whose standard input has sent nothing (a pipe kept open and silent): the
    /// command ends with exit 130 while the pipe stays open. Before, format detection's read of the first bytes
    /// held it until the writer wrote or closed. The pause lets the command reach that read.
    /// </summary>
    [Fact]
    public async Task Sigint_stops_a_command_whose_standard_input_sends_nothing()
    {
        var start = Tool("stats", "-");
        start.RedirectStandardInput = true;
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        await Task.Delay(500);
        Assert.False(child.HasExited, $"stats - ended (exit {(child.HasExited ? child.ExitCode : 0)}) before any input");

        await InterruptAndExpectCancelled(child, stderr);
    }

    /// <summary>Sends SIGINT as Ctrl-C does and expects exit 130 and the one line saying so, within 30 s.</summary>
    private static async Task InterruptAndExpectCancelled(Process child, Task<string> stderr)
    {
        using (var kill = Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await child.WaitForExitAsync(patience.Token);
        var error = await stderr;
        Assert.True(child.ExitCode == 130, $"exit {child.ExitCode}: {error}");
        Assert.Equal("bindertrace: cancelled", error.Trim());
    }

    private static ProcessStartInfo Tool(params string[] arguments)
    {
        // The apphost of the cli project is copied beside the test assembly.
        var tool = Path.Combine(Path.GetDirectoryName(typeof(BinderTraceCommandLine).Assembly.Location)!, "bindertrace");
        Assert.True(File.Exists(tool), $"no bindertrace apphost at {tool}");
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private string[] FilesLeft() =>
        [.. Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
