using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BinderTrace.Comparison;

/// <summary>Reads numbers out of a saved <c>report --json</c> document by dotted path (<c>data_quality.lost_events</c>).</summary>
internal static class ReportDocument
{
    /// <summary>Fields of a duration distribution object (issue 4's contract).</summary>
    public static readonly IReadOnlyList<string> DistributionFields = ["count", "total", "min", "p50", "p90", "p99", "max"];

    public static JsonNode? Find(JsonNode root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var node = root;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(part, out node) || node is null)
            {
                return null;
            }
        }

        return node;
    }

    public static bool TryGetNumber(JsonNode root, string path, out double value)
    {
        value = double.NaN;
        return Find(root, path) is JsonValue node && TryGetNumber(node, out value);
    }

    /// <summary>
    /// The number in <paramref name="node"/>, whether it was parsed from text or built in memory from any CLR
    /// numeric type (a built <c>JsonValue</c> only converts to its own type).
    /// </summary>
    public static bool TryGetNumber(JsonValue node, out double value)
    {
        ArgumentNullException.ThrowIfNull(node);
        value = double.NaN;
        if (node.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (node.TryGetValue(out value))
        {
            return true;
        }

        return double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
