using BinderTrace.Analysis.Pages;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Pictures.Collect;

namespace BinderTrace.Pictures.Html;

/// <summary>
/// Resident pages of one binder process over the trace: ACTIVE and LRU stacked as step areas from the report's
/// page-count series, the trace's phase markers as labelled bands, and installs and reclaims per time bin in two
/// strips beneath.
/// </summary>
internal static class PageChart
{
    private const int Width = 900;
    private const int Left = 60;
    private const int Right = 10;
    private const int PlotTop = 40;
    private const int PlotHeight = 130;
    private const int StripHeight = 14;
    private const string ActiveColour = "#4e79a7";
    private const string LruColour = "#f28e2b";
    private const string InstallColour = "#59a14f";
    private const string ReclaimColour = "#e15759";

    public static void Write(
        TextWriter output, TraceReport report, int index, TimeBinnedCounts? installs, TimeBinnedCounts? reclaims)
    {
        var proc = report.PagesByProcess[index];
        var samples = proc.Series.Samples;
        var peak = Math.Max(1, samples.Count == 0 ? 1 : samples.Max(s => s.Active + s.Lru));
        double Y(double pages) => PlotTop + PlotHeight - (pages / peak * PlotHeight);
        var stripsTop = PlotTop + PlotHeight + 18;
        var frame = new ChartFrame(Width, stripsTop + (2 * (StripHeight + 4)) + 4, Left, Right);
        var x = frame.TimeScale(report.FirstTimestamp, report.LastTimestamp);

        output.Write($"<h3>binder process {HtmlPage.Number(proc.Proc)}</h3>");
        output.Write($"<p class=\"legend\"><span><i style=\"background:{ActiveColour}\"></i>ACTIVE</span><span><i style=\"background:{LruColour}\"></i>LRU</span><span><i style=\"background:{InstallColour}\"></i>installs per bin</span><span><i style=\"background:{ReclaimColour}\"></i>reclaims per bin</span> peak installed <b data-json=\"pages.processes.{index}.peak_installed\">{HtmlPage.Number(proc.PeakResident)}</b>, peak LRU <b data-json=\"pages.processes.{index}.peak_lru\">{HtmlPage.Number(proc.PeakLru)}</b></p>");
        frame.Open(output, "pages", $" data-proc=\"{HtmlPage.Number(proc.Proc)}\"");
        WriteMarkerBands(output, report, x);
        output.Write($"<text x=\"{Left - 4}\" y=\"{PlotTop + 4}\" text-anchor=\"end\">{HtmlPage.Number(peak)}</text><text x=\"{Left - 4}\" y=\"{PlotTop + PlotHeight}\" text-anchor=\"end\">0</text>");
        if (samples.Count > 0)
        {
            WriteStepArea(output, samples, x, s => Y(s.Active), _ => Y(0), ActiveColour, "active");
            WriteStepArea(output, samples, x, s => Y(s.Active + s.Lru), s => Y(s.Active), LruColour, "lru");
            WriteSampleTips(output, samples, index, x);
        }

        frame.Axis(output, PlotTop + PlotHeight);
        WriteStrip(output, "installs", installs, stripsTop, x, InstallColour);
        WriteStrip(output, "reclaims", reclaims, stripsTop + StripHeight + 4, x, ReclaimColour);
        output.Write("</svg>\n");
    }

    private static void WriteMarkerBands(TextWriter output, TraceReport report, Func<long, double> x)
    {
        var markers = report.Markers;
        var rowEnds = new double[3];
        for (var i = 0; i < markers.Count; i++)
        {
            var start = x(markers[i].TimestampNs);
            var end = i + 1 < markers.Count ? x(markers[i + 1].TimestampNs) : x(report.LastTimestamp);
            var fill = i % 2 == 0 ? "#f4f4f8" : "#e9e9f1";
            output.Write($"<g class=\"marker\" data-ts-ns=\"{HtmlPage.Number(markers[i].TimestampNs)}\" data-tip=\"{HtmlPage.Escape(markers[i].Text)}&#10;at {HtmlPage.Number(markers[i].TimestampNs)} ns\"><rect x=\"{HtmlPage.Px(start)}\" y=\"{PlotTop}\" width=\"{HtmlPage.Px(Math.Max(1, end - start))}\" height=\"{PlotHeight}\" fill=\"{fill}\"/><line x1=\"{HtmlPage.Px(start)}\" x2=\"{HtmlPage.Px(start)}\" y1=\"2\" y2=\"{PlotTop + PlotHeight}\" stroke=\"#99a\"/>");
            // Labels go on the first of three rows with room left, else only into the tip: neighbours never overprint.
            var label = Shorten(markers[i].Text);
            var row = Array.FindIndex(rowEnds, e => e <= start);
            if (row >= 0)
            {
                output.Write($"<text x=\"{HtmlPage.Px(start + 2)}\" y=\"{10 + (row * 11)}\">{HtmlPage.Escape(label)}</text>");
                rowEnds[row] = start + 8 + (label.Length * 5.6);
            }

            output.Write("</g>");
        }
    }

    private static void WriteStepArea(
        TextWriter output, IReadOnlyList<PageCountSample> samples, Func<long, double> x,
        Func<PageCountSample, double> top, Func<PageCountSample, double> bottom, string colour, string name)
    {
        output.Write($"<path class=\"{name}\" fill=\"{colour}\" fill-opacity=\"0.85\" d=\"M");
        for (var i = 0; i < samples.Count; i++)
        {
            var next = i + 1 < samples.Count ? x(samples[i + 1].TimestampNs) : x(long.MaxValue);
            output.Write($"{HtmlPage.Px(x(samples[i].TimestampNs))},{HtmlPage.Px(top(samples[i]))} {HtmlPage.Px(next)},{HtmlPage.Px(top(samples[i]))} ");
        }

        for (var i = samples.Count - 1; i >= 0; i--)
        {
            var next = i + 1 < samples.Count ? x(samples[i + 1].TimestampNs) : x(long.MaxValue);
            output.Write($"{HtmlPage.Px(next)},{HtmlPage.Px(bottom(samples[i]))} {HtmlPage.Px(x(samples[i].TimestampNs))},{HtmlPage.Px(bottom(samples[i]))} ");
        }

        output.Write("Z\"/>");
    }

    /// <summary>Transparent columns, one per sample, carrying the exact sample for the hover tip (and the tests).</summary>
    private static void WriteSampleTips(TextWriter output, IReadOnlyList<PageCountSample> samples, int index, Func<long, double> x)
    {
        output.Write($"<g class=\"samples\" data-series-of=\"pages.processes.{index}.series\" fill=\"transparent\">");
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            var start = x(s.TimestampNs);
            var end = i + 1 < samples.Count ? x(samples[i + 1].TimestampNs) : x(long.MaxValue);
            output.Write($"<rect x=\"{HtmlPage.Px(start)}\" y=\"{PlotTop}\" width=\"{HtmlPage.Px(Math.Max(0.5, end - start))}\" height=\"{PlotHeight}\" data-s=\"{HtmlPage.Number(s.TimestampNs)},{HtmlPage.Number(s.Active)},{HtmlPage.Number(s.Lru)}\" data-tip=\"at {HtmlPage.Number(s.TimestampNs)} ns&#10;active {HtmlPage.Number(s.Active)}, lru {HtmlPage.Number(s.Lru)}\"/>");
        }

        output.Write("</g>");
    }

    private static void WriteStrip(TextWriter output, string name, TimeBinnedCounts? bins, int top, Func<long, double> x, string colour)
    {
        output.Write($"<text x=\"{Left - 4}\" y=\"{top + StripHeight - 3}\" text-anchor=\"end\">{name}</text>");
        output.Write($"<g class=\"{name}\" data-total=\"{HtmlPage.Number(bins?.Total ?? 0)}\" data-bin-ns=\"{HtmlPage.Number(bins?.WidthNs ?? 0)}\">");
        if (bins is not null)
        {
            var list = bins.Bins.ToList();
            var most = Math.Max(1, list.Count == 0 ? 1 : list.Max(b => b.Count));
            foreach (var (start, count) in list)
            {
                var h = Math.Max(2, (double)count / most * StripHeight);
                var x0 = x(start);
                var w = Math.Max(1.5, x(start + bins.WidthNs) - x0);
                output.Write($"<rect x=\"{HtmlPage.Px(x0)}\" y=\"{HtmlPage.Px(top + StripHeight - h)}\" width=\"{HtmlPage.Px(w)}\" height=\"{HtmlPage.Px(h)}\" fill=\"{colour}\" data-n=\"{HtmlPage.Number(count)}\" data-tip=\"{HtmlPage.Number(count)} {name}&#10;{HtmlPage.Number(start)} ns + {HtmlPage.Number(bins.WidthNs)} ns\"/>");
            }
        }

        output.Write("</g>");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";
}
