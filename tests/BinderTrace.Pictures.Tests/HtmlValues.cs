using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BinderTrace.Tests;

/// <summary>
/// Reads the values an HTML page claims for <c>report --json</c> paths (<c>data-json</c> on an element: its
/// <c>data-value</c> if it has one, else its text) and looks paths up in the JSON document.
/// </summary>
internal static partial class HtmlValues
{
    [GeneratedRegex("<(?<tag>[a-z]+)(?<attrs>[^>]*?)\\sdata-json=\"(?<path>[^\"]+)\"(?<rest>[^>]*?)(?:/>|>(?<text>[^<]*)</\\k<tag>>)")]
    private static partial Regex JsonElementPattern();

    [GeneratedRegex("data-value=\"(?<v>[^\"]*)\"")]
    private static partial Regex DataValuePattern();

    public static List<(string Path, string Value)> Claims(string html)
    {
        var claims = new List<(string, string)>();
        foreach (Match m in JsonElementPattern().Matches(html))
        {
            var value = DataValuePattern().Match(m.Groups["attrs"].Value + m.Groups["rest"].Value);
            claims.Add((m.Groups["path"].Value, value.Success ? value.Groups["v"].Value : WebUtility.HtmlDecode(m.Groups["text"].Value)));
        }

        return claims;
    }

    /// <summary>The value at a dotted path; numeric segments index arrays. Fails the test when the path is absent.</summary>
    public static JsonElement Resolve(JsonElement root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            if (node.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                Assert.True(index < node.GetArrayLength(), $"{path}: index {index} beyond the JSON array");
                node = node[index];
            }
            else
            {
                Assert.True(node.ValueKind == JsonValueKind.Object && node.TryGetProperty(part, out node), $"{path}: not in report --json");
            }
        }

        return node;
    }

    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };
}
