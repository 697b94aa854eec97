using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BinderTrace.Analysis.Reporting;

namespace BinderTrace.Comparison;

/// <summary>
/// Checks that a JSON document is a <c>report --json</c> document before any number of it is compared, so a
/// damaged or foreign file can never let a gate pass: the schema version, the sections every report has, and
/// every value by its key: the few text and flag fields are what they should be, and every other value is a
/// whole number from 0 to 2^63-1 (counts, nanoseconds, bytes), or null where nothing was measured.
/// </summary>
internal static class ReportDocumentValidator
{
    private static readonly HashSet<string> TextKeys = new(StringComparer.Ordinal)
    {
        "source", "clock", "quantile_method", "design", "reason", "install_shape", "lru_add_order", "memcg_form",
        "shrink_shape", "unmap_order", "mm", "comm", "mode", "text", "input_damage", "name", "severity", "description",
    };

    private static readonly HashSet<string> FlagKeys = new(StringComparer.Ordinal) { "exact", "truncated", "binder" };

    private static readonly string[] Sections = ["pages", "mmap_lock", "data_quality"];

    /// <summary>Throws <see cref="ComparisonInputException"/> naming <paramref name="source"/> and the JSON path of the first problem.</summary>
    public static void Validate(JsonObject report, string source)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report["schema_version"] is { } version
            && !(version is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() == TraceReportJson.SchemaVersion.ToString(CultureInfo.InvariantCulture)))
        {
            throw Invalid(source, "$.schema_version", $"schema version {version.ToJsonString()} is not the {TraceReportJson.SchemaVersion} this version of bindertrace reads");
        }

        if (report["event_count"] is null)
        {
            throw Invalid(source, "$", "no \"event_count\": not the output of `bindertrace report --json`");
        }

        foreach (var section in Sections)
        {
            if (report[section] is not JsonObject)
            {
                throw Invalid(source, "$." + section, "expected an object (every report has one): not the output of `bindertrace report --json`");
            }
        }

        Check(report, "$", source);
    }

    private static void Check(JsonObject obj, string path, string source)
    {
        foreach (var (key, value) in obj)
        {
            CheckValue(key, value, $"{path}.{key}", source);
        }
    }

    /// <summary>Array elements are checked as values of the array's key (a series of timestamps, a list of objects).</summary>
    private static void CheckValue(string key, JsonNode? value, string path, string source)
    {
        switch (value)
        {
            case null:
                return;
            case JsonObject obj:
                Check(obj, path, source);
                return;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckValue(key, array[i], $"{path}[{i}]", source);
                }

                return;
        }

        var kind = value.GetValueKind();
        var ok = TextKeys.Contains(key) ? kind == JsonValueKind.String
            : FlagKeys.Contains(key) ? kind is JsonValueKind.True or JsonValueKind.False
            : kind == JsonValueKind.Number && IsCount(value.ToJsonString());
        if (ok)
        {
            return;
        }

        var expected = TextKeys.Contains(key) ? "a string" : FlagKeys.Contains(key) ? "true or false" : "a whole number from 0 to 2^63-1";
        throw Invalid(source, path, $"expected {expected}, got {Shorten(value.ToJsonString())}");
    }

    /// <summary>Digits only: no sign, fraction or exponent (1e400 would read as infinity), and within a long.</summary>
    private static bool IsCount(string literal) =>
        literal.Length > 0 && literal.All(char.IsAsciiDigit) && long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static ComparisonInputException Invalid(string source, string path, string problem) =>
        new($"{source}: not a valid report document at {path}: {problem}");
}
