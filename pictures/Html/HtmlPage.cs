using System.Globalization;
using System.Net;

namespace BinderTrace.Pictures.Html;

/// <summary>
/// The frame every BinderTrace HTML file shares: one self-contained page (inline CSS, inline SVG, and a few lines of
/// script that only show a hovered element's <c>data-tip</c>), nothing fetched from the network.
/// </summary>
internal static class HtmlPage
{
    private const string Style = """
        body{font:13px/1.4 system-ui,sans-serif;margin:16px 24px;color:#1b1b1b;background:#fff}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 6px;border-bottom:1px solid #ccc}
        h3{font-size:14px;margin:14px 0 4px}.note{color:#555;max-width:70em}
        table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
        th{background:#f3f3f3}td:not(.l){white-space:nowrap}td.l,th.l{text-align:left}svg{display:block;margin:4px 0}
        svg text{font:11px system-ui,sans-serif;fill:#333}.axis{stroke:#888;stroke-width:1}
        .grid{stroke:#eee;stroke-width:1}
        #tip{position:absolute;display:none;background:#222;color:#fff;padding:3px 6px;border-radius:3px;
        font:12px monospace;white-space:pre;pointer-events:none;z-index:9}
        .regressed{background:#fdd}.improved{background:#dfd}.inconclusive{background:#ffd}
        .legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
        """;

    private const string Script = """
        (function(){var t=document.getElementById('tip');
        document.addEventListener('mouseover',function(e){var n=e.target.closest?e.target.closest('[data-tip]'):null;
        if(!n){t.style.display='none';return;}t.textContent=n.getAttribute('data-tip');t.style.display='block';});
        document.addEventListener('mousemove',function(e){t.style.left=(e.pageX+12)+'px';t.style.top=(e.pageY+12)+'px';});})();
        """;

    public static void Begin(TextWriter output, string title)
    {
        output.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
        output.Write(Escape(title));
        output.Write("</title><style>");
        output.Write(Style);
        output.Write("</style></head><body>\n<div id=\"tip\"></div>\n");
    }

    public static void End(TextWriter output)
    {
        output.Write("<script>");
        output.Write(Script);
        output.Write("</script>\n</body></html>\n");
    }

    public static string Escape(string text) => WebUtility.HtmlEncode(text);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Number(double value) => double.IsFinite(value)
        ? value.ToString("0.####", CultureInfo.InvariantCulture)
        : "n/a";

    /// <summary>SVG coordinates: one decimal is finer than a pixel and keeps the file small.</summary>
    public static string Px(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A table cell whose text is the report JSON value at <paramref name="jsonPath"/>, so tests can check one against the other.</summary>
    public static void JsonCell(TextWriter output, string jsonPath, long value) =>
        output.Write($"<td data-json=\"{Escape(jsonPath)}\">{Number(value)}</td>");

    public static void TextCell(TextWriter output, string text, string? jsonPath = null)
    {
        output.Write(jsonPath is null ? "<td class=\"l\">" : $"<td class=\"l\" data-json=\"{Escape(jsonPath)}\">");
        output.Write(Escape(text));
        output.Write("</td>");
    }

    /// <summary>A duration for reading (µs or ms with three significant places); exact ns stay in tips and tables.</summary>
    public static string Duration(long ns) => ns switch
    {
        < 10_000 => $"{Number(ns)} ns",
        < 10_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:0.#} µs"),
        < 10_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:0.#} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e9:0.##} s"),
    };
}
