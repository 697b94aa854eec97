using System.Text.Json;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Records;

/// <summary>The data-quality table in JSON (<c>report --json</c>, <c>stats --json</c>): one object per non-zero counter.</summary>
public static class DataQualityTableJson
{
    public static void Write(Utf8JsonWriter json, string propertyName, DataQualityTable table)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(table);
        json.WriteStartArray(propertyName);
        WriteRows(json, table);
        json.WriteEndArray();
    }

    /// <summary>The table's rows, inside an array the caller has opened.</summary>
    public static void WriteRows(Utf8JsonWriter json, DataQualityTable table)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(table);
        foreach (var entry in table.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", entry.Counter.Name);
            json.WriteString("source", entry.Counter.Source == DataQualitySource.Reader ? "reader" : "analysis");
            json.WriteString("severity", DataQualityTable.SeverityName(entry.Counter.Severity));
            json.WriteNumber("value", entry.Value);
            json.WriteString("description", entry.Counter.Description);
            json.WriteEndObject();
        }
    }
}
