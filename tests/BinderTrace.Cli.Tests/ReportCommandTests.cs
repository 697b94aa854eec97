using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BinderTrace.Cli.Commands;

namespace BinderTrace.Tests;

/// <summary>
/// <c>report</c>, <c>pages</c> and <c>locks</c> run in-process on the real 6.1 light capture (server proc 230,
/// workload.log ROLE server-main). Expected counts come from text tools, commands in each test.
/// </summary>
public sealed class ReportCommandTests
{
    private static readonly string Capture = RepositoryPaths.SharedCapture("6.1.0-56-amd64", "light");

    /// <summary><c>zcat trace.txt.gz | grep -c ' binder_alloc_page_end:'</c> = 97; design per traces/README.md.</summary>
    [Fact]
    public void Report_prints_one_screen_with_the_design_and_the_page_counts()
    {
        var result = Run("report", Capture);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("design: range-write", result.Output, StringComparison.Ordinal);
        Assert.Contains("installs 97 ", result.Output, StringComparison.Ordinal);
        Assert.Contains("mmap_lock", result.Output, StringComparison.Ordinal);
    }

    /// <summary><c>zcat trace.txt.gz | grep -c ' binder_alloc_page_end: proc=230 '</c> = 93.</summary>
    [Fact]
    public void Report_json_with_a_process_filter_counts_only_that_process()
    {
        var result = Run("report", Capture, "--json", "--proc", "230");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(230, root.GetProperty("proc").GetInt32());
        Assert.Equal(93, root.GetProperty("pages").GetProperty("installs").GetInt64());
        Assert.Equal([230], root.GetProperty("pages").GetProperty("processes").EnumerateArray().Select(p => p.GetProperty("proc").GetInt32()));
        Assert.Equal("range-write", root.GetProperty("fingerprint").GetProperty("design").GetString());
    }

    /// <summary>
    /// One CSV row per page seen:
    /// <c>zcat trace.txt.gz | grep -oE 'binder_(alloc_lru|free_lru|alloc_page|unmap_user|unmap_kernel)_(start|end): proc=230 page_index=[0-9]+' | sort -u | wc -l</c> = 77.
    /// </summary>
    [Fact]
    public void Pages_csv_has_one_row_per_page_of_the_process()
    {
        var result = Run("pages", Capture, "--csv", "--proc", "230");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.StartsWith("proc,page,final_state,installs,", lines[0], StringComparison.Ordinal);
        Assert.Equal(77, lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("230,", line, StringComparison.Ordinal));
    }

    /// <summary>Every interval row closes; rows are the JSON objects of the interval table.</summary>
    [Fact]
    public void Pages_intervals_json_is_an_array_of_interval_rows()
    {
        var result = Run("pages", Capture, "--intervals", "--json", "--proc", "230");

        Assert.Equal(0, result.ExitCode);
        var rows = JsonDocument.Parse(result.Output).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(230, r.GetProperty("proc").GetInt32()));
        Assert.Contains(rows, r => r.GetProperty("state").GetString() == "lru");
    }

    /// <summary>
    /// 6.1 installs a missing range under one mmap write hold of the server's mm (KERNEL.md §2b): every binder
    /// write hold in the server's mm table is on one mm, and there are some.
    /// </summary>
    [Fact]
    public void Locks_json_lists_binder_holds_of_the_servers_mm()
    {
        var result = Run("locks", Capture, "--json", "--proc", "230");

        Assert.Equal(0, result.ExitCode);
        var rows = JsonDocument.Parse(result.Output).RootElement.EnumerateArray().ToList();
        var binderWrites = rows.Where(r => r.GetProperty("binder").GetBoolean() && r.GetProperty("mode").GetString() == "write").ToList();
        Assert.NotEmpty(binderWrites);
        Assert.Single(rows.Select(r => r.GetProperty("mm").GetString()).Distinct());
    }

    [Fact]
    public void Locks_waits_csv_has_the_wait_columns()
    {
        var result = Run("locks", Capture, "--waits", "--csv");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("pid,comm,mm,mode,binder,success,start_ns,end_ns,duration_ns", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflicting_formats_and_missing_files_are_user_errors()
    {
        var both = Run("pages", Capture, "--json", "--csv");
        var missing = Run("report", Path.Combine(Path.GetTempPath(), "no-such-trace-bt-analysis.txt"));

        Assert.Equal((2, true), (both.ExitCode, both.Error.Contains("--json and --csv", StringComparison.Ordinal)));
        Assert.Equal((2, true), (missing.ExitCode, missing.Error.Contains("no such file", StringComparison.Ordinal)));
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { ReportCommand.Create(), PagesCommand.Create(), LocksCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
