using System.Text.Json;
using System.Text.Json.Nodes;

namespace BinderTrace.Comparison;

/// <summary>Turns a path given on the command line into a measurement (a trace analysed, or a saved report).</summary>
public delegate TraceMeasurement TraceMeasurementLoader(string path);

/// <summary>
/// Loads a saved <c>report --json</c> document as a measurement. It has no samples, so single-run timing
/// comparisons of it use the point-estimate rule; its data quality is read from the document
/// (<see cref="TraceDataQuality.FromReport"/>).
/// </summary>
public static class ReportFileLoader
{
    public static bool IsReportPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
    }

    public static TraceMeasurement Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ComparisonInputException($"{path}: cannot read: {exception.Message}", exception);
        }

        return Parse(text, path);
    }

    public static TraceMeasurement Parse(string json, string source)
    {
        JsonNode? node;
        try
        {
            // A repeated key would otherwise surface later as an ArgumentException from deep inside JsonObject.
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            throw new ComparisonInputException(
                $"{source}: not a report document: invalid JSON (malformed, or a key given twice) at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}", exception);
        }

        if (node is not JsonObject report)
        {
            throw new ComparisonInputException($"{source}: not a report document: expected a JSON object (the output of `bindertrace report --json`)");
        }

        ReportDocumentValidator.Validate(report, source);
        return new TraceMeasurement(source, ReportMetrics.FromDocument(report), TraceDataQuality.FromReport(report));
    }
}

/// <summary>An input of compare or gate that cannot be used (unreadable, not a report); the message names it.</summary>
public sealed class ComparisonInputException : Exception
{
    public ComparisonInputException()
    {
    }

    public ComparisonInputException(string message)
        : base(message)
    {
    }

    public ComparisonInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
