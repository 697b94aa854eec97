namespace BinderTrace.Events;

/// <summary>One row of a trace's data-quality table.</summary>
public readonly record struct DataQualityEntry(DataQualityCounter Counter, long Value);

/// <summary>
/// One trace's data-quality table: the non-zero counters of the reader (<see cref="TraceDiagnostics"/>) and of the
/// analysis, each with the severity and description of <see cref="DataQualityCounters"/>, in catalogue order.
/// </summary>
public sealed class DataQualityTable
{
    private static readonly (string Name, Func<TraceDiagnostics, long> Value)[] ReaderValues =
    [
        ("unparsed_lines", d => d.UnparsedLines),
        ("malformed_payloads", d => d.MalformedPayloads),
        ("late_events", d => d.LateEvents),
        ("lost_events", d => d.LostEvents),
        ("lost_event_markers", d => d.LostEventMarkers),
        ("lost_event_markers_without_count", d => d.LostEventMarkersWithoutCount),
        ("lost_data_bytes", d => d.LostDataBytes),
        ("truncated", d => d.Truncated ? 1 : 0),
        ("reordered_events", d => d.ReorderedEvents),
    ];

    private DataQualityTable(List<DataQualityEntry> entries) => Entries = entries;

    /// <summary>The counters that are not zero, reader first, each in catalogue order.</summary>
    public IReadOnlyList<DataQualityEntry> Entries { get; }

    /// <summary>
    /// Builds the table of one trace; <paramref name="analysis"/> are the analysis' named counters. A name outside
    /// the catalogue throws: it is a counter someone added without a severity and a description.
    /// </summary>
    public static DataQualityTable Of(TraceDiagnostics reader, IEnumerable<KeyValuePair<string, long>>? analysis = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in ReaderValues)
        {
            values[name] = value(reader);
        }

        foreach (var (name, value) in analysis ?? [])
        {
            _ = DataQualityCounters.Find(name); // throws for a counter without a catalogue entry
            values[name] = values.GetValueOrDefault(name) + value;
        }

        var entries = new List<DataQualityEntry>();
        foreach (var counter in DataQualityCounters.All)
        {
            if (values.GetValueOrDefault(counter.Name) is var value and not 0)
            {
                entries.Add(new DataQualityEntry(counter, value));
            }
        }

        return new DataQualityTable(entries);
    }

    public long this[string name] => Entries.FirstOrDefault(e => e.Counter.Name == name).Value;

    /// <summary>True when some counter of <paramref name="severity"/> or worse is not zero.</summary>
    public bool Has(DataQualitySeverity severity) => Entries.Any(e => e.Counter.Severity >= severity);

    public static string SeverityName(DataQualitySeverity severity) => severity switch
    {
        DataQualitySeverity.DataLoss => "data_loss",
        DataQualitySeverity.Error => "error",
        _ => "info",
    };
}
