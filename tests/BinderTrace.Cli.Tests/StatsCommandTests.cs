using System.Text.Json;

namespace BinderTrace.Tests;

public sealed class StatsCommandTests
{
    private static readonly string Light612 = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");

    [Fact]
    public void Json_counts_match_the_real_capture_counted_with_shell_tools()
    {
        var result = CliRun.Invoke("stats", "--json", Light612);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        var events = root.GetProperty("events");
        // zcat trace.txt.gz | grep -c ' binder_alloc_page_start:'   -> 96
        Assert.Equal(96, events.GetProperty("binder_alloc_page_start").GetInt64());
        // meta.txt event_counts of the capture (counted by the capture script, not by this code)
        Assert.Equal(474, events.GetProperty("binder_update_page_range").GetInt64());
        Assert.Equal(496, events.GetProperty("mmap_lock_acquire_returned").GetInt64());
        Assert.Equal(11, events.GetProperty("tracing_mark_write").GetInt64());
        // zcat trace.txt.gz | grep -vc '^#'   -> 7796 event lines, all of them events
        Assert.Equal(7796, events.EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(0, root.GetProperty("lost_events").GetInt64());
        Assert.Equal(0, root.GetProperty("unparsed_lines").GetInt64());
        // zcat trace.txt.gz | grep -v '^#' | awk '{print $2}' | sort -u   -> [000] [001] [002] [003]
        Assert.Equal(4, root.GetProperty("cpus").GetInt32());
        // first and last event lines: "4.915729: mmap_lock_start_locking" and "5.942405: mmap_lock_released"
        Assert.Equal(4_915_729_000, root.GetProperty("first_ts_ns").GetInt64());
        Assert.Equal(5_942_405_000, root.GetProperty("last_ts_ns").GetInt64());
        Assert.Equal("ftrace_text", root.GetProperty("format").GetString());
        Assert.True(root.GetProperty("compressed").GetBoolean());
    }

    [Fact]
    public void Several_traces_give_a_json_array_in_argument_order()
    {
        var light61 = RepositoryPaths.SharedCapture("6.1.0-56-amd64", "light");

        var result = CliRun.Invoke("stats", "--json", Light612, light61);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        Assert.Equal(2, json.RootElement.GetArrayLength());
        Assert.Equal(light61, json.RootElement[1].GetProperty("source").GetString());
        // 6.1 light meta.txt event_counts: binder_alloc_page_start 97
        Assert.Equal(97, json.RootElement[1].GetProperty("events").GetProperty("binder_alloc_page_start").GetInt64());
    }

    [Fact]
    public void Text_output_lists_event_counts_and_data_quality()
    {
        var result = CliRun.Invoke("stats", Light612);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("binder_alloc_page_start", result.Output);
        Assert.Contains("data quality: clean", result.Output);
    }

    [Fact]
    public void A_missing_file_is_a_one_line_input_error()
    {
        var result = CliRun.Invoke("stats", "/nonexistent/trace.txt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/trace.txt", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Strict_mode_names_the_line_that_failed_and_lenient_mode_counts_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bindertrace-stats-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path,
            "# tracer: nop\n" +
            "       binder_wl-272     [003] .....     5.009364: binder_transaction_received: transaction=2\n" +
            "this line is not an ftrace event\n" +
            "       binder_wl-272     [003] .....     5.009365: binder_transaction_received: transaction=3\n");
        try
        {
            var strict = CliRun.Invoke("stats", "--strict", path);
            Assert.Equal(2, strict.ExitCode);
            Assert.Contains($"{path}:3", strict.Error);

            var lenient = CliRun.Invoke("stats", "--json", path);
            Assert.Equal(0, lenient.ExitCode);
            using var json = JsonDocument.Parse(lenient.Output);
            Assert.Equal(1, json.RootElement.GetProperty("unparsed_lines").GetInt64());
            Assert.Equal(2, json.RootElement.GetProperty("events").GetProperty("binder_transaction_received").GetInt64());
            Assert.Equal(3, json.RootElement.GetProperty("unparsed_samples")[0].GetProperty("line").GetInt64());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
