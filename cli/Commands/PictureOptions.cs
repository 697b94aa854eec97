using System.CommandLine;
using System.Text;
using BinderTrace.Comparison;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;
using BinderTrace.Pictures.Collect;
using BinderTrace.Pictures.Html;

namespace BinderTrace.Cli.Commands;

/// <summary>The <c>--html</c> option of report and compare, and writing the pictures it asks for (of the focused events: <c>--window</c>, <c>--phase</c>, <c>--proc</c>).</summary>
internal static class PictureOptions
{
    public static Option<string> Html(string what) => new("--html")
    {
        Description = $"Also write {what} as one self-contained HTML file (inline SVG, no network)",
    };

    /// <summary>Analyses one trace with the picture sink attached and writes its HTML report to <paramref name="htmlPath"/>.</summary>
    public static TraceReport AnalyzeAndDraw(
        string tracePath, ParseOptions parse, AnalysisOptions analysis, string htmlPath, ProgressDisplay progress, CancellationToken interrupt)
    {
        var picture = new ReportPictureSink();
        var analyzer = new TraceAnalyzer(analysis, picture);
        using (var pass = TraceInput.Open(tracePath, parse, progress, interrupt, analysis.StreamFocus))
        {
            pass.Run([analyzer], interrupt);
        }

        var report = analyzer.Report!;
        WriteHtml(htmlPath, html => HtmlReportWriter.Write(html, report, picture), interrupt);
        return report;
    }

    /// <summary>
    /// Runs a comparison through <paramref name="run"/> and, with <paramref name="htmlPath"/>, also writes its HTML
    /// view from the same measurements (loaded once: baseline runs first, as the runner loads them).
    /// </summary>
    public static ExitCode WithComparisonHtml(
        string? htmlPath, int baselineRuns, ComparisonOptions options, TraceMeasurementLoader loader, Func<TraceMeasurementLoader, ExitCode> run,
        CancellationToken interrupt)
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
        WriteHtml(htmlPath, html => CompareHtmlWriter.Write(html, report, baseline, candidate), interrupt);
        return outcome;
    }

    private static void WriteHtml(string path, Action<TextWriter> write, CancellationToken interrupt) =>
        OutputFile.Write(
            path,
            file =>
            {
                using var html = new StreamWriter(file, new UTF8Encoding(false), bufferSize: -1, leaveOpen: true);
                write(html);
            },
            interrupt);
}
