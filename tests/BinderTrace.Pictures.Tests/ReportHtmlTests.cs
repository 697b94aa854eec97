using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BinderTrace.Tests;

/// <summary>
/// <c>report --html</c> on the real captures: every number it shows is the <c>report --json</c> value of the same
/// trace, the page is self-contained and small, and the drawing window selects what <c>locks --json</c> lists.
/// </summary>
public sealed partial class ReportHtmlTests(CaptureOutputs outputs) : IClassFixture<CaptureOutputs>
{
    public static TheoryData<string> Kernels => new() { "6.1.0-56-amd64", "6.12.107+deb13-amd64", "7.3.4+deb13-amd64" };

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_number_tagged_with_a_json_path_equals_report_json(string kernel)
    {
        var trace = CaptureOutputs.Capture(kernel);
        var html = File.ReadAllText(outputs.File(".html", "report", trace, "--html", "{file}"));
        var json = outputs.Json("report", trace, "--json");

        var claims = HtmlValues.Claims(html);
        foreach (var (path, value) in claims)
        {
            Assert.True(HtmlValues.Text(HtmlValues.Resolve(json, path)) == value, $"{path}: HTML shows {value}, report --json has {HtmlValues.Text(HtmlValues.Resolve(json, path))}");
        }

        // Tables, evidence, data quality and the p50/p90/p99 dots of 10 distribution curves: far more than 300 values.
        Assert.True(claims.Count > 300, $"only {claims.Count} tagged values");
        Assert.Contains(claims, c => c.Path == "mmap_lock.hold_ns.write.p99");
        Assert.Contains(claims, c => c.Path == "pages.install_ns.p50");
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Page_series_drawn_are_the_report_json_series(string kernel)
    {
        var trace = CaptureOutputs.Capture(kernel);
        var html = File.ReadAllText(outputs.File(".html", "report", trace, "--html", "{file}"));
        var processes = outputs.Json("report", trace, "--json").GetProperty("pages").GetProperty("processes");

        var groups = SeriesGroup().Matches(html);
        Assert.Equal(processes.GetArrayLength(), groups.Count);
        foreach (Match group in groups)
        {
            var index = int.Parse(group.Groups["i"].Value, CultureInfo.InvariantCulture);
            var expected = processes[index].GetProperty("series").EnumerateArray()
                .Select(s => string.Join(',', s.EnumerateArray().Select(v => v.GetInt64())))
                .ToList();
            var drawn = SampleTip().Matches(group.Groups["body"].Value).Select(m => m.Groups["s"].Value).ToList();
            Assert.Equal(expected, drawn);
        }
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(Kernels))]
    public void Install_and_reclaim_strips_count_what_the_report_counts(string kernel)
    {
        // The strips are binned from FREE intervals (an install ends one, a reclaim starts one); the report's counters
        // are incremented by the page tracker itself: two routes to the same numbers.
        var trace = CaptureOutputs.Capture(kernel);
        var html = File.ReadAllText(outputs.File(".html", "report", trace, "--html", "{file}"));
        var processes = outputs.Json("report", trace, "--json").GetProperty("pages").GetProperty("processes").EnumerateArray().ToList();

        Assert.Equal(processes.Select(p => p.GetProperty("installs").GetInt64()), Totals(html, "installs"));
        Assert.Equal(processes.Select(p => p.GetProperty("reclaims").GetInt64()), Totals(html, "reclaims"));
        Assert.Contains(Totals(html, "reclaims"), n => n > 0);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Others_curve_holds_exactly_the_non_binder_holds_and_waits(string kernel)
    {
        var trace = CaptureOutputs.Capture(kernel);
        var html = File.ReadAllText(outputs.File(".html", "report", trace, "--html", "{file}"));
        var locks = outputs.Json("report", trace, "--json").GetProperty("mmap_lock");
        var legends = Legend().Matches(html).Select(m => (m.Groups["label"].Value, long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture))).ToList();

        // Figures in page order: install, LRU dwell, then per mode (read, write) hold and wait, each all / binder / others.
        var lockLegends = legends.Skip(2).Chunk(3).ToList();
        var expected = new[] { ("hold_ns", "read"), ("wait_ns", "read"), ("hold_ns", "write"), ("wait_ns", "write") };
        Assert.Equal(expected.Length, lockLegends.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var (family, mode) = expected[i];
            var all = locks.GetProperty(family).GetProperty(mode).GetProperty("count").GetInt64();
            var binder = locks.GetProperty("binder").GetProperty(family).GetProperty(mode).GetProperty("count").GetInt64();
            Assert.Equal([("all", all), ("binder", binder), ("others", all - binder)], lockLegends[i]);
        }
    }

    [Fact]
    public void Contended_612_page_is_self_contained_and_under_2_MB()
    {
        var path = outputs.File(".html", "report", CaptureOutputs.Capture("6.12.107+deb13-amd64"), "--html", "{file}");
        var html = File.ReadAllText(path);

        Assert.True(new FileInfo(path).Length < 2_000_000, $"{new FileInfo(path).Length} bytes");
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("How this page was drawn", html);
    }

    [Fact]
    public void Window_draws_the_holds_and_waits_that_locks_json_lists_for_the_same_window()
    {
        // --window is the focus every command shares (time since the first event): the page draws what `locks`
        // lists under the same window, and a window over the middle of the capture leaves some holds out.
        var trace = CaptureOutputs.Capture("6.12.107+deb13-amd64");
        const string window = "400ms..800ms";
        var allHolds = outputs.Json("locks", trace, "--json").GetArrayLength();
        var holds = outputs.Json("locks", trace, "--json", "--window", window).GetArrayLength();
        var waits = outputs.Json("locks", trace, "--waits", "--json", "--window", window).GetArrayLength();
        var html = File.ReadAllText(outputs.File(".html", "report", trace, "--window", window, "--html", "{file}"));

        Assert.Equal(holds, Offered(html, "holds-offered"));
        Assert.Equal(waits, Offered(html, "waits-offered"));
        Assert.InRange(holds, 1, allHolds - 1);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("2s..1s")]
    [InlineData("2..3")]
    [InlineData("x..3")]
    public void A_bad_window_is_a_usage_error(string window)
    {
        using var folder = new TempDirectory();
        var result = CliRun.Invoke("report", CaptureOutputs.Capture("6.1.0-56-amd64", "light"), "--window", window, "--html", folder.File("r.html"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--window", result.Error);
        Assert.False(File.Exists(folder.File("r.html")));
    }

    [Fact]
    public void Html_of_several_traces_is_a_usage_error()
    {
        using var folder = new TempDirectory();
        var light = CaptureOutputs.Capture("6.1.0-56-amd64", "light");
        var result = CliRun.Invoke("report", light, light, "--html", folder.File("r.html"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--html", result.Error);
    }

    private static long Offered(string html, string id) =>
        long.Parse(Regex.Match(html, $"id=\"{id}\">(\\d+)<").Groups[1].Value, CultureInfo.InvariantCulture);

    private static List<long> Totals(string html, string strip) =>
        Regex.Matches(html, $"<g class=\"{strip}\" data-total=\"(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex("<g class=\"samples\" data-series-of=\"pages\\.processes\\.(?<i>\\d+)\\.series\"[^>]*>(?<body>.*?)</g>")]
    private static partial Regex SeriesGroup();

    [GeneratedRegex("data-s=\"(?<s>[^\"]+)\"")]
    private static partial Regex SampleTip();

    [GeneratedRegex("<span data-series=\"(?<label>[^\"]+)\" data-count=\"(?<n>\\d+)\">")]
    private static partial Regex Legend();
}
