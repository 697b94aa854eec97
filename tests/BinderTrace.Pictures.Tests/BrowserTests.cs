using System.Diagnostics;
using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>The HTML pages of real captures opened in a real browser (chromium): they render, hover works, the numbers hold.</summary>
[Trait("Category", "Browser")]
public sealed class BrowserTests(CaptureOutputs outputs, ChromiumBrowser chromium) : IClassFixture<CaptureOutputs>, IClassFixture<ChromiumBrowser>
{
    public static TheoryData<string> Kernels => new() { "6.12.107+deb13-amd64", "7.3.4+deb13-amd64" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public async Task Report_renders_its_pictures_without_errors_and_the_dom_numbers_equal_report_json(string kernel)
    {
        var trace = CaptureOutputs.Capture(kernel);
        var html = outputs.File(".html", "report", trace, "--html", "{file}");
        var json = outputs.Json("report", trace, "--json");
        var clock = Stopwatch.StartNew();
        var (page, errors) = await chromium.OpenAsync(html);
        clock.Stop();

        Assert.Empty(errors);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"loading took {clock.Elapsed}");
        Assert.Equal(json.GetProperty("pages").GetProperty("processes").GetArrayLength(), await page.Locator("svg.pages").CountAsync());
        Assert.True(await page.Locator("svg.pages path.active").CountAsync() > 0);
        Assert.True(await page.Locator("svg.gantt rect").CountAsync() > 0);
        Assert.True(await page.Locator("svg.cdf polyline").CountAsync() >= 6);
        Assert.True(await page.Locator("svg.cdf circle.q").CountAsync() >= 18);

        var claims = await page.EvaluateAsync<string[][]>(
            "() => Array.from(document.querySelectorAll('[data-json]')).map(e => [e.dataset.json, e.dataset.value ?? e.textContent])");
        Assert.True(claims.Length > 300, $"only {claims.Length} numbers carry a JSON path");
        foreach (var claim in claims)
        {
            Assert.True(HtmlValues.Text(HtmlValues.Resolve(json, claim[0])) == claim[1], $"{claim[0]}: DOM shows {claim[1]}");
        }

        await page.CloseAsync();
    }

    [Fact]
    public async Task Hovering_a_bar_shows_its_exact_values()
    {
        var html = outputs.File(".html", "report", CaptureOutputs.Capture("6.12.107+deb13-amd64"), "--html", "{file}");
        var (page, errors) = await chromium.OpenAsync(html);
        var bar = page.Locator("svg.gantt rect[data-tip]").First;
        await bar.ScrollIntoViewIfNeededAsync();
        await bar.HoverAsync(new() { Force = true });

        Assert.Equal("block", await page.EvalOnSelectorAsync<string>("#tip", "e => getComputedStyle(e).display"));
        var expected = await bar.GetAttributeAsync("data-tip");
        Assert.Equal(expected, await page.EvalOnSelectorAsync<string>("#tip", "e => e.textContent"));
        Assert.Matches(@"start \d+ ns, \d+ ns", expected);
        Assert.Empty(errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task Screenshot_is_not_blank()
    {
        var html = outputs.File(".html", "report", CaptureOutputs.Capture("6.12.107+deb13-amd64"), "--html", "{file}");
        var (page, _) = await chromium.OpenAsync(html);
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var shot = await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "report-6.12-contended.png") });
        await page.GotoAsync("about:blank");
        var blank = await page.ScreenshotAsync();

        // PNG compresses a uniform page to almost nothing; a page of charts and tables costs many times more.
        Assert.True(shot.Length > 10 * blank.Length, $"screenshot {shot.Length} bytes, blank page {blank.Length} bytes");
        await page.CloseAsync();
    }

    [Fact]
    public async Task Compare_page_renders_its_run_plots_without_errors()
    {
        var baseline = CaptureOutputs.Capture("6.12.107+deb13-amd64");
        var candidate = CaptureOutputs.Capture("7.3.4+deb13-amd64");
        var html = outputs.File(".html", "compare", "--baseline", baseline, "--candidate", candidate, "--html", "{file}");
        var json = outputs.Json("compare", "--baseline", baseline, "--candidate", candidate, "--json");
        var (page, errors) = await chromium.OpenAsync(html);

        Assert.Empty(errors);
        Assert.Equal(json.GetProperty("metrics").GetArrayLength(), await page.Locator("#verdicts tr[data-metric]").CountAsync());
        Assert.True(await page.Locator("svg.runs circle.baseline").CountAsync() > 0);
        Assert.Equal(json.GetProperty("overall").GetString(), await page.GetAttributeAsync("#overall", "data-verdict"));
        await page.CloseAsync();
    }
}
