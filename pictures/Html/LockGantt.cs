using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Pictures.Collect;

namespace BinderTrace.Pictures.Html;

/// <summary>
/// mmap_lock per mm as a Gantt: one lane per task, its holds on top (read and write apart, binder's in their own
/// colours, the lanes of the report's top blockers shaded) and its waits beneath, over the span of the (focused) events.
/// </summary>
internal static class LockGantt
{
    public const int MaxMms = 6;
    public const int MaxLanesPerMm = 40;

    private const int Width = 900;
    private const int Left = 170;
    private const int Right = 10;
    private const int LaneHeight = 18;

    public static void Write(TextWriter output, TraceReport report, ReportPictureSink picture)
    {
        var (start, end) = (report.FirstTimestamp, report.LastTimestamp);
        if (start < 0)
        {
            output.Write("<p class=\"note\">No events (in the focus): nothing to draw.</p>");
            return;
        }

        var span = Math.Max(1, end - start);
        var blockers = report.TopBlockers.Select(b => (b.Pid, b.Mm)).ToHashSet();
        var holds = picture.Holds.Items.ToLookup(h => h.Mm);
        var waits = picture.Waits.Items.ToLookup(w => w.Mm);
        var mms = report.LocksByMm.Select(m => m.Mm).Where(mm => holds.Contains(mm) || waits.Contains(mm)).ToList();
        output.Write($"<p class=\"note\">From {HtmlPage.Number(start)} ns to {HtmlPage.Number(end)} ns ({HtmlPage.Escape(HtmlPage.Duration(span))}). ");
        output.Write("Hover a bar for its task, mode and exact start and duration in ns.</p>");
        WriteLegend(output);
        foreach (var mm in mms.Take(MaxMms))
        {
            WriteMm(output, mm, report, holds[mm].ToList(), waits[mm].ToList(), blockers, start, end);
        }

        if (mms.Count > MaxMms)
        {
            output.Write($"<p class=\"note\">{HtmlPage.Number(mms.Count - MaxMms)} further mms with drawn intervals are not shown (the first {MaxMms} in the report's order are).</p>");
        }
    }

    private static void WriteLegend(TextWriter output)
    {
        output.Write("<p class=\"legend\">");
        foreach (var (cls, colour, text) in Colours)
        {
            output.Write($"<span><i class=\"{cls}\" style=\"background:{colour}\"></i>{text}</span>");
        }

        output.Write("<span><i style=\"background:#fff0b3\"></i>lane of a top blocker (the report's table above)</span></p>");
    }

    private static readonly (string Class, string Colour, string Text)[] Colours =
    [
        ("hr", "#4e79a7", "read hold"), ("hw", "#e15759", "write hold"),
        ("br", "#59a14f", "binder read hold"), ("bw", "#b07aa1", "binder write hold"),
        ("wr", "#bab0ac", "read wait"), ("ww", "#79706e", "write wait"),
    ];

    private static string ColourOf(string cls) => Colours.First(c => c.Class == cls).Colour;

    private static void WriteMm(
        TextWriter output, ulong mm, TraceReport report, List<MmapLockHold> holds, List<MmapLockWait> waits,
        HashSet<(int, ulong)> blockers, long start, long end)
    {
        var owner = report.LocksByMm.First(m => m.Mm == mm).OwnerProc;
        var lanes = holds.Select(h => (h.Pid, h.Comm, Ns: h.DurationNs))
            .Concat(waits.Select(w => (w.Pid, w.Comm, Ns: w.DurationNs)))
            .GroupBy(l => l.Pid)
            .Select(g => (Pid: g.Key, Comm: g.First().Comm, Ns: g.Sum(l => l.Ns)))
            .OrderByDescending(l => l.Ns)
            .ThenBy(l => l.Pid)
            .ToList();
        var shown = lanes.Take(MaxLanesPerMm).ToList();
        var laneOf = shown.Select((l, i) => (l.Pid, i)).ToDictionary(p => p.Pid, p => p.i);
        var frame = new ChartFrame(Width, (shown.Count * LaneHeight) + 24, Left, Right);
        var x = frame.TimeScale(start, end);
        var ownerText = owner >= 0 ? $" (binder process {HtmlPage.Number(owner)})" : "";
        output.Write($"<h3>mm {TraceReportJson.Hex(mm)}{ownerText}</h3>");
        frame.Open(output, "gantt", $" data-mm=\"{TraceReportJson.Hex(mm)}\"");
        for (var i = 0; i < shown.Count; i++)
        {
            var y = i * LaneHeight;
            var isBlocker = blockers.Contains((shown[i].Pid, mm));
            var blocker = isBlocker ? " (top blocker)" : "";
            if (isBlocker)
            {
                output.Write($"<rect class=\"blocker-lane\" x=\"0\" y=\"{y}\" width=\"{Width - Right}\" height=\"{LaneHeight - 1}\" fill=\"#fff0b3\"/>");
            }

            output.Write($"<text x=\"{Left - 4}\" y=\"{y + 12}\" text-anchor=\"end\">{HtmlPage.Escape(shown[i].Comm)} {HtmlPage.Number(shown[i].Pid)}{blocker}</text><line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y + LaneHeight - 1}\" y2=\"{y + LaneHeight - 1}\"/>");
        }

        foreach (var h in holds)
        {
            if (laneOf.TryGetValue(h.Pid, out var lane))
            {
                var cls = (h.Binder ? "b" : "h") + (h.Mode == LockMode.Write ? "w" : "r");
                WriteBar(output, cls, ColourOf(cls), x, h.StartNs, h.EndNs, lane * LaneHeight, 8,
                    $"{h.Comm} {h.Pid}: {LockModeNames.Of(h.Mode)} hold{(h.Binder ? " (binder)" : "")}", start, end);
            }
        }

        foreach (var w in waits)
        {
            if (laneOf.TryGetValue(w.Pid, out var lane))
            {
                var cls = w.Mode == LockMode.Write ? "ww" : "wr";
                WriteBar(output, cls, ColourOf(cls), x, w.StartNs, w.EndNs, (lane * LaneHeight) + 9, 6,
                    $"{w.Comm} {w.Pid}: {LockModeNames.Of(w.Mode)} wait{(w.Binder ? " (binder)" : "")}{(w.Success ? "" : ", failed")}", start, end);
            }
        }

        var axisY = shown.Count * LaneHeight;
        frame.Axis(output, axisY + 2);
        frame.EndLabels(output, axisY + 16, $"{HtmlPage.Number(start)} ns", $"{HtmlPage.Number(end)} ns");
        output.Write("</svg>\n");
        if (lanes.Count > shown.Count)
        {
            output.Write($"<p class=\"note\">{HtmlPage.Number(lanes.Count - shown.Count)} further tasks of this mm with drawn intervals have no lane (lanes are the {MaxLanesPerMm} tasks with the most drawn time).</p>");
        }
    }

    private static void WriteBar(
        TextWriter output, string cls, string colour, Func<long, double> x, long startNs, long endNs, int y, int h,
        string what, long windowStart, long windowEnd)
    {
        var x0 = x(Math.Max(startNs, windowStart));
        var x1 = x(Math.Min(endNs, windowEnd));
        output.Write($"<rect class=\"{cls}\" x=\"{HtmlPage.Px(x0)}\" y=\"{y}\" width=\"{HtmlPage.Px(Math.Max(1, x1 - x0))}\" height=\"{h}\" fill=\"{colour}\" data-tip=\"{HtmlPage.Escape(what)}&#10;start {HtmlPage.Number(startNs)} ns, {HtmlPage.Number(endNs - startNs)} ns\"/>");
    }
}
