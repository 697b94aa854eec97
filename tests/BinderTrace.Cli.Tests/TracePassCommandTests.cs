namespace BinderTrace.Tests;

/// <summary>What the one trace pass changed in the commands' behaviour, on the real 6.12 light capture (server 268, no TGID column).</summary>
public sealed class TracePassCommandTests
{
    private static readonly string Light = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");

    [Theory]
    [InlineData("locks")]
    [InlineData("locks", "--csv")]
    [InlineData("locks", "--json")]
    [InlineData("pages")]
    [InlineData("pages", "--intervals", "--csv")]
    [InlineData("pages", "--json")]
    public void A_table_command_prints_nothing_but_the_error_when_its_focus_matches_nothing(params string[] command)
    {
        var result = CliRun.Invoke([.. command, Light, "--phase", "Z-none"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains("no phase 'Z-none'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_command_still_prints_its_header_for_a_focus_without_rows_that_matched_events()
    {
        // The first 1 µs holds one event (the trace's first, an mmap_lock_start_locking): no hold closes in it.
        var result = CliRun.Invoke("locks", Light, "--window", "..1us", "--csv");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("pid,", result.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Without a TGID column, what <c>--proc</c> could not attribute is said. Counted with a two-pass awk over
    /// <c>zcat trace.txt.gz | grep -v '^#'</c>: pass 1 pairs every thread with its process (<c>(to|from) P:T</c> with
    /// T &gt; 0, <c>dest_proc=P dest_thread=T</c> with T &gt; 0); pass 2, learning the pairs again as it goes, skips
    /// lines of task 268 or naming 268 and lines of task 0 or of tasks already paired, then counts the rest: tasks
    /// paired with 268 by the end → 137 events of 3 tasks (270, 274, 275 before their first pairing); tasks never
    /// paired → 1016 events.
    /// </summary>
    [Fact]
    public void Stats_proc_says_what_it_could_not_attribute()
    {
        var result = CliRun.Invoke("stats", Light, "--proc", "268");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            $"{Light}: --proc 268: the trace has no TGID column; left out 137 events of 3 tasks that a binder event tied to the process only later, and 1016 events of tasks it ties to no process",
            result.Output,
            StringComparison.Ordinal);
    }
}
