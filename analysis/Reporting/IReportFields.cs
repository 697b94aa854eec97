using System.Text.Json;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// Receives a report's fields in document order, as <see cref="TraceReportJson.WriteFields"/> lays them out: the one
/// definition of the <c>report --json</c> document's names and nesting. JSON is one receiver; compare's metrics by
/// path are another, so a field added to the report reaches both.
/// </summary>
public interface IReportFields
{
    void StartObject(string name);

    void EndObject();

    void Number(string name, long value);

    /// <summary>A null <paramref name="value"/> is a JSON null.</summary>
    void Text(string name, string? value);

    void Flag(string name, bool value);

    void Null(string name);

    /// <summary>A table or series (rows, not metrics): written whole in JSON by <paramref name="rows"/>, which gets the opened array.</summary>
    void Array(string name, Action<Utf8JsonWriter> rows);
}
