using System.CommandLine;
using BinderTrace.Cli;
using BinderTrace.Cli.Infrastructure;

namespace BinderTrace.Tests;

/// <summary>Issue 12 items 5 and 10: every way a run can end has its own documented code, and never a stack trace by default.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private const string CleanTrace =
        "# tracer: nop\n" +
        "       binder_wl-272     [003] .....     5.009364: binder_transaction_received: transaction=2\n" +
        "       binder_wl-272     [003] .....     5.009365: binder_transaction_received: transaction=3\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("bindertrace-exit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_table_keeps_the_bisect_codes_and_gives_every_other_ending_a_code_of_its_own()
    {
        // README "Exit codes" documents these numbers; git bisect run reads 0 good, 1..127 bad, 125 skip.
        Assert.Equal(0, (int)ExitCode.Ok);
        Assert.Equal(1, (int)ExitCode.RegressionFound);
        Assert.Equal(2, (int)ExitCode.InvalidInput);
        Assert.Equal(3, (int)ExitCode.DataQualityRefused);
        Assert.Equal(70, (int)ExitCode.InternalError);
        Assert.Equal(74, (int)ExitCode.OutputFailed);
        Assert.Equal(125, (int)ExitCode.Inconclusive);
        Assert.Equal(130, (int)ExitCode.Cancelled);
        Assert.Equal(Enum.GetValues<ExitCode>().Length, Enum.GetValues<ExitCode>().Select(c => (int)c).Distinct().Count());
    }

    [Fact]
    public void An_unexpected_failure_is_one_line_and_code_70_and_verbose_adds_the_stack_trace()
    {
        var exception = Thrown(() => throw new InvalidOperationException("the invariant broke"));
        var quiet = new StringWriter();
        var verbose = new StringWriter();

        Assert.Equal(70, UnexpectedFailure.Report(exception, quiet, verbose: false));
        Assert.Equal(70, UnexpectedFailure.Report(exception, verbose, verbose: true));

        Assert.Single(quiet.ToString().TrimEnd('\n').Split('\n'));
        Assert.Contains("the invariant broke", quiet.ToString(), StringComparison.Ordinal);
        Assert.Contains("--verbose", quiet.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", quiet.ToString(), StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_disk_under_stdout_is_code_74_with_the_reason_not_a_crash()
    {
        var path = Write("t.txt", CleanTrace);
        var error = new StringWriter();

        var code = BinderTraceCommandLine.Invoke(["stats", path], new InvocationConfiguration { Output = new FullDiskWriter(), Error = error });

        Assert.Equal(74, code);
        Assert.Equal("bindertrace: cannot write the output: No space left on device", error.ToString().Trim());
    }

    [Fact]
    public void A_mistyped_option_is_reported_as_an_unknown_option_not_a_missing_file()
    {
        var path = Write("t.txt", CleanTrace);

        var result = CliRun.Invoke("report", path, "--jsn");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown option '--jsn' (did you mean --json?)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_double_dash_a_word_that_looks_like_an_option_is_a_path()
    {
        var result = CliRun.Invoke("stats", "--", "--jsn");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--jsn: no such file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_name_kinds_of_values_not_dotnet_types()
    {
        var result = CliRun.Invoke("simulate", "-a", "page-write", "-w", "light", "--seed", "abc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'--seed': expected a non-negative whole number", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workload_file_error_names_the_json_path_not_the_dotnet_type()
    {
        var path = Write("w.json", """{"serverProcesses": "three"}""");
        var stderr = new StringWriter();

        var outcome = BinderTrace.Cli.Commands.SimulateCommand.Run("page-write", path, 1, "1ms", Path.Combine(_dir, "o.txt"), false, TextWriter.Null, stderr);

        Assert.Equal(ExitCode.InvalidInput, outcome);
        Assert.Contains("$.serverProcesses: wrong JSON type", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("WorkloadSpec", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", stderr.ToString(), StringComparison.Ordinal);
    }

    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            return exception;
        }

        throw new InvalidOperationException("expected a throw");
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>What writing to /dev/full does: every write fails with ENOSPC.</summary>
    private sealed class FullDiskWriter : StringWriter
    {
        public override void Write(char value) => throw new IOException("No space left on device");

        public override void Write(string? value) => throw new IOException("No space left on device");

        public override void Write(char[] buffer, int index, int count) => throw new IOException("No space left on device");

        public override void WriteLine(string? value) => throw new IOException("No space left on device");
    }
}
