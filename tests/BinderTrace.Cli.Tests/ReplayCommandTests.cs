using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary><c>bindertrace replay</c> on the light 6.12 capture (177 transactions, page-write).</summary>
public sealed class ReplayCommandTests
{
    private static readonly string Light612 = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");

    [Fact]
    public void All_designs_share_one_table_with_the_real_trace_first()
    {
        var result = CliRun.Invoke("replay", Light612, "--allocator", "all");

        Assert.Equal(0, result.ExitCode);
        var header = result.Output.Split('\n').First(line => line.StartsWith("metric", StringComparison.Ordinal));
        var columns = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["metric", "real", "(page-write)", "range-read", "range-write", "page-write", "page-concurrent", "fault-deferred"], columns);
        Assert.Contains("calibrated from the trace (own design page-write)", result.Output, StringComparison.Ordinal);
        Assert.Contains("not in the trace, assumed:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_the_report_contract_of_the_replay()
    {
        var result = CliRun.Invoke("replay", Light612, "--allocator", "page-concurrent", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("page-concurrent", json.RootElement.GetProperty("fingerprint").GetProperty("design").GetString());
        Assert.Contains("calibrated from the trace", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_for_all_designs_is_an_array_with_the_real_trace_first()
    {
        var result = CliRun.Invoke("replay", Light612, "--allocator", "all", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var designs = json.RootElement.EnumerateArray().Select(r => r.GetProperty("fingerprint").GetProperty("design").GetString()).ToList();

        // The light preset has no per-VMA fallback, so the fault-deferred replay reads as page-concurrent (see the fingerprint).
        Assert.Equal(["page-write", "range-read", "range-write", "page-write", "page-concurrent", "page-concurrent"], designs);
    }

    [Fact]
    public void Output_file_is_a_kernel_trace_that_report_reads_back_as_the_design()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bindertrace-replay-{Guid.NewGuid():N}.txt");
        try
        {
            var result = CliRun.Invoke("replay", Light612, "--allocator", "range-write", "-o", path);

            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("# tracer: nop", File.ReadAllText(path), StringComparison.Ordinal);
            using var json = JsonDocument.Parse(CliRun.Invoke("report", path, "--json").Output);
            Assert.Equal("range-write", json.RootElement.GetProperty("fingerprint").GetProperty("design").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--allocator", "page-magic")]
    [InlineData("--allocator", "all", "-o", "unused.txt")]
    public void Bad_usage_exits_2_naming_the_problem(params string[] options)
    {
        var result = CliRun.Invoke(["replay", Light612, .. options]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--allocator", result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_trace_is_an_input_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bindertrace-replay-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "these are not the events you are looking for\n");
        try
        {
            var result = CliRun.Invoke("replay", path, "--allocator", "page-write");

            Assert.Equal(2, result.ExitCode);
            Assert.Contains(path, result.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
