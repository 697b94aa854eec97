namespace BinderTrace.Pictures.Html;

/// <summary>
/// The frame every inline-SVG chart of the pages draws the same way: its size and the plot's left and right margins,
/// the opening tag, the horizontal axis line with its end labels, and trace time mapped onto the plot's width.
/// </summary>
internal readonly record struct ChartFrame(int Width, int Height, int Left, int Right)
{
    private double PlotWidth => Width - Left - Right;

    /// <summary>Opens the chart's svg element; <paramref name="attributes"/> (data-* for the tests) follow its class.</summary>
    public void Open(TextWriter output, string cssClass, string attributes = "") =>
        output.Write($"<svg class=\"{cssClass}\"{attributes} width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">");

    public void Axis(TextWriter output, int y) =>
        output.Write($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\"/>");

    /// <summary>The axis' two ends labelled with already escaped text, at baseline <paramref name="y"/>.</summary>
    public void EndLabels(TextWriter output, int y, string low, string high) =>
        output.Write($"<text x=\"{Left}\" y=\"{y}\">{low}</text><text x=\"{Width - Right}\" y=\"{y}\" text-anchor=\"end\">{high}</text>");

    /// <summary>[<paramref name="start"/>, <paramref name="end"/>] ns onto the plot's width; times outside are clamped to its edges.</summary>
    public Func<long, double> TimeScale(long start, long end)
    {
        var span = Math.Max(1, end - start);
        var left = Left;
        var width = PlotWidth;
        return ts => left + (Math.Clamp(ts - start, 0, span) / (double)span * width);
    }
}
