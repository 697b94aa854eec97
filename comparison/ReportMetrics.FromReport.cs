using System.Text.Json;
using BinderTrace.Analysis.Reporting;

namespace BinderTrace.Comparison;

/// <summary>
/// The typed side: a measured trace's values come from the very walk that writes <c>report --json</c>
/// (<see cref="TraceReportJson.WriteFields"/>), so the report is not written as JSON and parsed back, and no second
/// list of paths exists. <c>ReportMetricsTests</c> proves on every shared capture that this equals
/// <see cref="FromDocument"/> of the trace's <c>report --json</c>.
/// </summary>
internal sealed partial class ReportMetrics : IReportFields
{
    private readonly Stack<string> _open = new();

    public static ReportMetrics FromReport(TraceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var metrics = new ReportMetrics();
        TraceReportJson.WriteFields(metrics, report);
        return metrics;
    }

    void IReportFields.StartObject(string name)
    {
        var path = PathOf(name);
        AddObject(path);
        _open.Push(path);
    }

    void IReportFields.EndObject() => _open.Pop();

    void IReportFields.Number(string name, long value) => AddNumber(PathOf(name), value);

    void IReportFields.Text(string name, string? value) => AddText(PathOf(name), value);

    void IReportFields.Flag(string name, bool value) => AddBoolean(PathOf(name), value);

    /// <summary>A JSON null is absent, as <see cref="FromDocument"/> reads it.</summary>
    void IReportFields.Null(string name)
    {
    }

    /// <summary>Arrays are tables, not metrics: only their path is kept.</summary>
    void IReportFields.Array(string name, Action<Utf8JsonWriter> rows) => AddArray(PathOf(name));

    private string PathOf(string name) => _open.Count == 0 ? name : _open.Peek() + "." + name;
}
