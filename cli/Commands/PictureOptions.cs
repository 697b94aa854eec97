using System.CommandLine;
using System.Globalization;
using System.Text;
using BinderTrace.Analysis.Comparison;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;
using BinderTrace.Pictures;
using BinderTrace.Pictures.Collect;
using BinderTrace.Pictures.Html;

namespace BinderTrace.Cli.Commands;

/// <summary>The <c>--html</c> and <c>--window</c> options of report and compare, and writing the pictures they ask for.</summary>
internal static class PictureOptions
{
    public static Option<string> Html(string what) => new("--html")
    {
        Description = $"Also write {what} as one self-contained HTML file (inline SVG, no network)",
    };

    public static Option<string> Window() => new("--window")
    {
        Description = "Draw only START..END of the trace in the HTML mmap_lock Gantt: seconds (12.5), or with a unit (ns, us, ms, s); either end may be left out",
    };

    /// <summary>Parses <c>START..END</c>; an end without a unit is in seconds, as ftrace prints timestamps.</summary>
    public static TimeWindow ParseWindow(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeWindow.All;
        }

        var separator = text.IndexOf("..", StringComparison.Ordinal);
        if (separator < 0)
        {
            throw new UserErrorException($"--window: expected START..END, got \"{text}\"");
        }

        var start = ParseTime(text[..separator], long.MinValue, text);
        var end = ParseTime(text[(separator + 2)..], long.MaxValue, text);
        return start <= end ? new TimeWindow(start, end) : throw new UserErrorException($"--window: START is after END in \"{text}\"");
    }

    /// <summary>Analyses one trace with the picture sink attached and writes its HTML report to <paramref name="htmlPath"/>.</summary>
    public static TraceReport AnalyzeAndDraw(
        string tracePath, ParseOptions parse, AnalysisOptions analysis, string htmlPath, TimeWindow window, ProgressDisplay progress)
    {
        var picture = new ReportPictureSink(window);
        TraceReport report;
        using (var source = TraceInput.Open(tracePath, parse, progress))
        {
            report = TraceAnalyzer.Analyze(source, analysis, picture);
        }

        using var html = new StreamWriter(htmlPath, false, new UTF8Encoding(false));
        HtmlReportWriter.Write(html, report, picture);
        return report;
    }

    /// <summary>
    /// Runs a comparison through <paramref name="run"/> and, with <paramref name="htmlPath"/>, also writes its HTML
    /// view from the same measurements (loaded once: baseline runs first, as the runner loads them).
    /// </summary>
    public static ExitCode WithComparisonHtml(
        string? htmlPath, int baselineRuns, ComparisonOptions options, TraceMeasurementLoader loader, Func<TraceMeasurementLoader, ExitCode> run)
    {
        if (htmlPath is null)
        {
            return run(loader);
        }

        var loaded = new List<TraceMeasurement>();
        var outcome = run(path =>
        {
            var measurement = loader(path);
            loaded.Add(measurement);
            return measurement;
        });
        var baseline = loaded.Take(baselineRuns).ToList();
        var candidate = loaded.Skip(baselineRuns).ToList();
        var report = new MetricComparer(options).Compare(baseline, candidate);
        using var html = new StreamWriter(htmlPath, false, new UTF8Encoding(false));
        CompareHtmlWriter.Write(html, report, baseline, candidate);
        return outcome;
    }

    private static long ParseTime(string text, long open, string whole)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return open;
        }

        (string Suffix, double Scale)[] units = [("ns", 1), ("us", 1e3), ("ms", 1e6), ("s", 1e9)];
        var (number, scale) = (text, 1e9);
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                (number, scale) = (text[..^suffix.Length], factor);
                break;
            }
        }

        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? (long)Math.Round(value * scale)
            : throw new UserErrorException($"--window: \"{text}\" in \"{whole}\" is not a time (seconds, or a number with ns, us, ms or s)");
    }
}
