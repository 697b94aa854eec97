namespace BinderTrace.Tests;

public sealed class DemoCommandTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public void Default_demo_shows_binder_write_holds_vanishing_from_page_write_to_page_concurrent()
    {
        var result = CliRun.Invoke("demo", "--runs", "3");

        Assert.Equal(0, result.ExitCode);
        // KERNEL.md §3: page-write (6.8-6.13) takes one mmap write lock per missing page inside the install window;
        // §4: page-concurrent (6.14+) installs under the per-VMA lock, so binder's write holds vanish.
        var row = result.Output.Split('\n').Single(line => line.StartsWith("mmap_lock.binder.hold_ns.write.count ", StringComparison.Ordinal));
        Assert.Contains("improved", row);
        Assert.Contains("structural", row);
        Assert.Matches(@"fingerprint\.design\s+page-write\s+page-concurrent", result.Output);
        Assert.Contains("bindertrace report", result.Output);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Demo_states_one_overall_verdict_decided_by_the_headline_metrics()
    {
        // Issue 16: it used to print "overall: improved" for the headline and "overall regressed" for all metrics.
        var result = CliRun.Invoke("demo", "--runs", "3");

        var overall = result.Output.Split('\n').Where(l => l.Contains("overall", StringComparison.Ordinal)).ToList();
        Assert.Single(overall, l => l.StartsWith("overall: ", StringComparison.Ordinal));
        Assert.DoesNotContain(overall, l => l.Contains("overall regressed", StringComparison.Ordinal));
        Assert.Contains("the headline metrics above decide the overall verdict", result.Output, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void No_relative_interval_of_the_demo_goes_below_minus_100_percent()
    {
        // Issue 16: install p50 was printed with "[-100.7 %, -94.9 %]"; durations and counts cannot go negative.
        var result = CliRun.Invoke("demo", "--runs", "3");

        var lowers = System.Text.RegularExpressions.Regex.Matches(result.Output, @"\[(-?\d+\.\d) %, ")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(lowers);
        Assert.All(lowers, lower => Assert.True(lower >= -100, $"lower bound {lower} %"));
        var installP50 = result.Output.Split('\n').Single(l => l.StartsWith("pages.install_ns.p50 ", StringComparison.Ordinal));
        Assert.Matches(@"\[-9\d\.\d %, -9\d\.\d %\]", installP50);
    }

    [Fact]
    public void An_unknown_design_is_an_input_error_naming_the_known_ones()
    {
        var result = CliRun.Invoke("demo", "--candidate-design", "page-magic");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("page-magic", result.Error);
        Assert.Contains("page-concurrent", result.Error);
    }

    [Fact]
    public void A_usage_error_exits_2_not_the_regression_code_1()
    {
        var result = CliRun.Invoke("demo", "--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error);
    }
}
