using System.Text.Json;

namespace BinderTrace.Comparison;

/// <summary>
/// One gate: a report metric and how far it may move. <see cref="MaxIncrease"/> alone means lower is better,
/// <see cref="MaxDecrease"/> alone higher is better, both bound it either way.
/// </summary>
public sealed record GateDefinition(string Metric, Threshold? MaxIncrease, Threshold? MaxDecrease, string Name);

/// <summary>
/// A gate file:
/// <code>
/// {
///   "gates": [
///     { "metric": "mmap_lock.binder.hold_ns.write.p99", "max_increase": "10%" },
///     { "metric": "pages.reinstalls_after_reclaim", "max_increase": 50, "name": "thrash" },
///     { "metric": "transactions.count", "max_decrease": "20%" }
///   ],
///   "allow": ["lost_events"],
///   "alpha": 0.01,
///   "run_to_run_allowance": "200%"
/// }
/// </code>
/// <c>"10%"</c> is relative to the baseline, a number is absolute in the metric's unit. <c>allow</c> names
/// data-quality problems that must not fail the gate (<c>empty</c>, <c>truncated</c>, <c>lost_events</c>,
/// <c>unparsed_lines</c>, <c>malformed_payloads</c>, <c>late_events</c>, <c>lost_data_bytes</c>, <c>unknown_quality</c>);
/// <c>"allow_data_loss": true</c> is short for allowing <c>lost_events</c>. Unknown keys are errors, so a typo
/// never silently disables a gate.
/// </summary>
public sealed class GateConfig
{
    private static readonly string[] TopLevelKeys = ["gates", "allow", "allow_data_loss", "alpha", "run_to_run_allowance"];
    private static readonly string[] GateKeys = ["metric", "max_increase", "max_decrease", "name"];

    private GateConfig(string source, IReadOnlyList<GateDefinition> gates, IReadOnlySet<DataQualityIssue> allowed, double? alpha, double? allowance)
    {
        Source = source;
        Gates = gates;
        Allowed = allowed;
        Alpha = alpha;
        RunToRunAllowance = allowance;
    }

    /// <summary>The file the config came from, for messages.</summary>
    public string Source { get; }

    public IReadOnlyList<GateDefinition> Gates { get; }

    public IReadOnlySet<DataQualityIssue> Allowed { get; }

    public double? Alpha { get; }

    public double? RunToRunAllowance { get; }

    public static GateConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new GateConfigException($"{path}: cannot read the gate config: {exception.Message}", exception);
        }

        return Parse(text, path);
    }

    public static GateConfig Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            throw new GateConfigException(
                $"{source}: not valid JSON at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}: {exception.Message}", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new GateConfigException($"{source}: expected an object with a \"gates\" array");
            }

            RefuseUnknownKeys(root, TopLevelKeys, $"{source}: top level");
            if (!root.TryGetProperty("gates", out var gatesElement) || gatesElement.ValueKind != JsonValueKind.Array || gatesElement.GetArrayLength() == 0)
            {
                throw new GateConfigException($"{source}: \"gates\" must be a non-empty array");
            }

            var gates = new List<GateDefinition>();
            var index = 0;
            foreach (var element in gatesElement.EnumerateArray())
            {
                gates.Add(ParseGate(element, $"{source}: gates[{index}]"));
                index++;
            }

            return new GateConfig(source, gates, ParseAllowed(root, source), OptionalNumber(root, "alpha", source), OptionalFraction(root, "run_to_run_allowance", source));
        }
    }

    private static GateDefinition ParseGate(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new GateConfigException($"{where}: expected an object like {{\"metric\": \"pages.reclaims\", \"max_increase\": \"10%\"}}");
        }

        if (!element.TryGetProperty("metric", out var metricElement) || metricElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(metricElement.GetString()))
        {
            throw new GateConfigException($"{where}: \"metric\" must be a report path such as \"mmap_lock.binder.hold_ns.write.p99\"");
        }

        var metric = metricElement.GetString()!;
        where = $"{where} (metric \"{metric}\")";
        RefuseUnknownKeys(element, GateKeys, where);
        var increase = OptionalThreshold(element, "max_increase", where);
        var decrease = OptionalThreshold(element, "max_decrease", where);
        if (increase is null && decrease is null)
        {
            throw new GateConfigException($"{where}: needs \"max_increase\" and/or \"max_decrease\"");
        }

        var name = element.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString()!
            : metric;
        return new GateDefinition(metric, increase, decrease, name);
    }

    private static Threshold? OptionalThreshold(JsonElement element, string key, string where)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (!Threshold.TryParse(text, out var threshold))
        {
            throw new GateConfigException(
                $"{where}: \"{key}\" must be a non-negative number (absolute) or a percentage like \"10%\" (relative), got {value.GetRawText()}");
        }

        return threshold;
    }

    private static HashSet<DataQualityIssue> ParseAllowed(JsonElement root, string source)
    {
        var allowed = new HashSet<DataQualityIssue>();
        if (root.TryGetProperty("allow_data_loss", out var dataLoss))
        {
            if (dataLoss.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new GateConfigException($"{source}: \"allow_data_loss\" must be true or false");
            }

            if (dataLoss.GetBoolean())
            {
                allowed.Add(DataQualityIssue.LostEvents);
            }
        }

        if (!root.TryGetProperty("allow", out var allow))
        {
            return allowed;
        }

        var names = string.Join(", ", Enum.GetValues<DataQualityIssue>().Select(TraceDataQuality.ConfigName));
        if (allow.ValueKind != JsonValueKind.Array)
        {
            throw new GateConfigException($"{source}: \"allow\" must be an array of: {names}");
        }

        foreach (var item in allow.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !TraceDataQuality.TryParseConfigName(item.GetString()!, out var issue))
            {
                throw new GateConfigException($"{source}: \"allow\" entry {item.GetRawText()} is not one of: {names}");
            }

            allowed.Add(issue);
        }

        return allowed;
    }

    private static double? OptionalNumber(JsonElement root, string key, string source)
    {
        if (!root.TryGetProperty(key, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number <= 0 || number >= 0.5)
        {
            throw new GateConfigException($"{source}: \"{key}\" must be a number between 0 and 0.5, got {value.GetRawText()}");
        }

        return number;
    }

    private static double? OptionalFraction(JsonElement root, string key, string source)
    {
        if (!root.TryGetProperty(key, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || !text.TrimEnd().EndsWith('%') || !Threshold.TryParse(text, out var threshold))
        {
            throw new GateConfigException($"{source}: \"{key}\" must be a percentage like \"200%\", got {value.GetRawText()}");
        }

        return threshold.Value;
    }

    private static void RefuseUnknownKeys(JsonElement element, string[] known, string where)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new GateConfigException(
                    $"{where}: unknown key \"{property.Name}\" (known: {string.Join(", ", known)})");
            }
        }
    }
}

/// <summary>A gate file that cannot be used; the message names the file and the offending entry.</summary>
public sealed class GateConfigException : Exception
{
    public GateConfigException()
    {
    }

    public GateConfigException(string message)
        : base(message)
    {
    }

    public GateConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
