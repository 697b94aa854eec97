using BinderTrace.Analysis.Quantiles;

namespace BinderTrace.Pictures.Html;

/// <summary>One curve of a <see cref="DistributionChart"/>; <see cref="JsonPath"/> names its object in <c>report --json</c>, if it has one.</summary>
internal sealed record DistributionSeries(string Label, string Colour, DurationDistribution Values, string? JsonPath);

/// <summary>
/// Cumulative distributions on a log time axis: the curve of each series is its quantile function read at 200
/// evenly spaced probabilities (the same nearest-rank quantiles <c>report --json</c> prints), with p50, p90 and
/// p99 marked by dots whose tips show the exact ns.
/// </summary>
internal static class DistributionChart
{
    private const int Width = 440;
    private const int Height = 190;
    private const int Left = 40;
    private const int Right = 12;
    private const int Top = 10;
    private const int Bottom = 32;
    private const int Steps = 200;
    private static readonly (double P, string Name)[] Marked = [(0.50, "p50"), (0.90, "p90"), (0.99, "p99")];

    public static void Write(TextWriter output, string title, IReadOnlyList<DistributionSeries> series)
    {
        var drawn = series.Where(s => s.Values.Count > 0).ToList();
        output.Write($"<figure style=\"display:inline-block;margin:4px 12px 4px 0\"><figcaption><b>{HtmlPage.Escape(title)}</b><span class=\"legend\"> ");
        foreach (var s in series)
        {
            output.Write($"<span data-series=\"{HtmlPage.Escape(s.Label)}\" data-count=\"{HtmlPage.Number(s.Values.Count)}\"><i style=\"background:{s.Colour}\"></i>{HtmlPage.Escape(s.Label)} (n={HtmlPage.Number(s.Values.Count)})</span>");
        }

        output.Write("</span></figcaption>");
        if (drawn.Count == 0)
        {
            output.Write("<p class=\"note\">no values</p></figure>\n");
            return;
        }

        var lo = Math.Max(1, drawn.Min(s => s.Values.Min));
        var hi = Math.Max(lo * 10, drawn.Max(s => s.Values.Max));
        var logLo = Math.Floor(Math.Log10(lo));
        var logHi = Math.Ceiling(Math.Log10(hi));
        double X(long ns) => Left + ((Math.Log10(Math.Max(ns, 1)) - logLo) / (logHi - logLo) * (Width - Left - Right));
        double Y(double p) => Top + ((1 - p) * (Height - Top - Bottom));

        var frame = new ChartFrame(Width, Height, Left, Right);
        frame.Open(output, "cdf");
        for (var decade = logLo; decade <= logHi; decade++)
        {
            var x = HtmlPage.Px(X((long)Math.Pow(10, decade)));
            output.Write($"<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"{Top}\" y2=\"{Height - Bottom}\"/>");
            output.Write($"<text x=\"{x}\" y=\"{Height - Bottom + 13}\" text-anchor=\"middle\">{HtmlPage.Escape(HtmlPage.Duration((long)Math.Pow(10, decade)))}</text>");
        }

        foreach (var p in (double[])[0, 0.5, 0.9, 0.99, 1])
        {
            var y = HtmlPage.Px(Y(p));
            output.Write($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\"/><text x=\"{Left - 4}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{HtmlPage.Number(p)}</text>");
        }

        frame.Axis(output, Height - Bottom);
        output.Write($"<text x=\"{(Width + Left) / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\">duration (log axis); y: fraction ≤ x</text>");
        foreach (var s in drawn)
        {
            output.Write($"<polyline fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"1.5\" points=\"");
            for (var i = 0; i <= Steps; i++)
            {
                var p = (double)i / Steps;
                var value = i == 0 ? s.Values.Min : s.Values.Quantile(p);
                output.Write($"{HtmlPage.Px(X(value))},{HtmlPage.Px(Y(p))} ");
            }

            output.Write("\"/>");
            foreach (var (p, name) in Marked)
            {
                var value = s.Values.Quantile(p);
                var path = s.JsonPath is null ? "" : $" data-json=\"{HtmlPage.Escape(s.JsonPath)}.{name}\"";
                output.Write($"<circle class=\"q\" cx=\"{HtmlPage.Px(X(value))}\" cy=\"{HtmlPage.Px(Y(p))}\" r=\"3.5\" fill=\"{s.Colour}\"{path} data-value=\"{HtmlPage.Number(value)}\" data-tip=\"{HtmlPage.Escape(s.Label)} {name} = {HtmlPage.Number(value)} ns\"/>");
            }
        }

        output.Write("</svg></figure>\n");
    }
}
