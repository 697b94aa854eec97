using System.Text.Json;
using System.Text.Json.Nodes;

namespace BinderTrace.Comparison;

internal enum ReportValueKind
{
    Number,
    Text,

    /// <summary>A value no metric can be (a boolean, an array): kept so a gate naming it is told what it is.</summary>
    Other,
}

/// <summary>One value of a report: a number, a text, or what else it is (<see cref="Description"/>).</summary>
internal readonly record struct ReportValue(ReportValueKind Kind, double Number, string? Text);

/// <summary>
/// The values of one <c>report --json</c> document by dotted path (<c>mmap_lock.binder.hold_ns.write.p99</c>), in
/// document order; the contents of arrays (tables, not metrics) are left out. Built from the analysis' typed
/// <see cref="Analysis.Reporting.TraceReport"/> for a measured trace (<see cref="FromReport"/>), or read from a saved
/// report file (<see cref="FromDocument"/>); the two agree path for path and value for value.
/// </summary>
internal sealed partial class ReportMetrics
{
    private readonly List<(string Path, ReportValue Value)> _entries = [];
    private readonly Dictionary<string, ReportValue> _byPath = new(StringComparer.Ordinal);
    private readonly HashSet<string> _objects = new(StringComparer.Ordinal);

    /// <summary>Every value with its path, in document order.</summary>
    public IReadOnlyList<(string Path, ReportValue Value)> Entries => _entries;

    public static ReportMetrics FromDocument(JsonNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var metrics = new ReportMetrics();
        if (root is JsonObject obj)
        {
            metrics.ReadObject(obj, "");
        }

        return metrics;
    }

    /// <summary>True when <paramref name="path"/> names a value or an object of the report.</summary>
    public bool Contains(string path) => _byPath.ContainsKey(path) || _objects.Contains(path);

    public bool TryGetNumber(string path, out double value)
    {
        if (_byPath.TryGetValue(path, out var found) && found.Kind == ReportValueKind.Number)
        {
            value = found.Number;
            return true;
        }

        value = double.NaN;
        return false;
    }

    public string? GetText(string path) =>
        _byPath.TryGetValue(path, out var found) && found.Kind == ReportValueKind.Text ? found.Text : null;

    /// <summary>What <paramref name="path"/> is when it is in the report but not a number ("an object", "the value true"); null otherwise.</summary>
    public string? DescribeNonNumber(string path)
    {
        if (_byPath.TryGetValue(path, out var found))
        {
            return found.Kind switch
            {
                ReportValueKind.Number => null,
                ReportValueKind.Text => "the value " + JsonValue.Create(found.Text)!.ToJsonString(),
                _ => found.Text,
            };
        }

        return _objects.Contains(path) ? "an object" : null;
    }

    private void AddNumber(string path, double value) => Add(path, new ReportValue(ReportValueKind.Number, value, null));

    /// <summary>A null text is a JSON null: absent, as in the document.</summary>
    private void AddText(string path, string? text)
    {
        if (text is not null)
        {
            Add(path, new ReportValue(ReportValueKind.Text, double.NaN, text));
        }
    }

    private void AddBoolean(string path, bool value) => AddOther(path, value ? "the value true" : "the value false");

    private void AddArray(string path) => AddOther(path, "an array");

    /// <summary>An object that may have no values (<c>data_quality.analysis</c> without counters) is still in the report.</summary>
    private void AddObject(string path) => _objects.Add(path);

    private void AddOther(string path, string description) => Add(path, new ReportValue(ReportValueKind.Other, double.NaN, description));

    private void Add(string path, ReportValue value)
    {
        _entries.Add((path, value));
        _byPath.Add(path, value);
        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = path.IndexOf('.', dot + 1))
        {
            _objects.Add(path[..dot]);
        }
    }

    private void ReadObject(JsonObject obj, string prefix)
    {
        if (prefix.Length > 0)
        {
            AddObject(prefix);
        }

        foreach (var (name, child) in obj)
        {
            var path = prefix.Length == 0 ? name : prefix + "." + name;
            switch (child)
            {
                case null:
                    break;
                case JsonObject nested:
                    ReadObject(nested, path);
                    break;
                case JsonArray:
                    AddArray(path);
                    break;
                case JsonValue value:
                    ReadValue(path, value);
                    break;
            }
        }
    }

    private void ReadValue(string path, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                ReportDocument.TryGetNumber(value, out var number);
                AddNumber(path, number);
                break;
            case JsonValueKind.String:
                AddText(path, value.GetValue<string>());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                AddBoolean(path, value.GetValueKind() == JsonValueKind.True);
                break;
            default:
                AddOther(path, "the value " + value.ToJsonString());
                break;
        }
    }
}
