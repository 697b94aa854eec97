using System.Globalization;
using System.Text;
using System.Xml;
using BinderTrace.Comparison;

namespace BinderTrace.Cli.Rendering;

/// <summary>The gate's terminal output: one case per line, wrapped to 120 columns, and the outcome.</summary>
internal static class GateTextRenderer
{
    public static void Write(TextWriter output, GateReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        foreach (var gateCase in report.AllCases)
        {
            TextWrap.WriteWrapped(output, $"{StatusWord(gateCase.Status),-12} {gateCase.Name}: {gateCase.Message}", ComparisonTextLayout.DefaultWidth, 13);
        }

        output.WriteLine(report.Outcome switch
        {
            GateOutcome.Pass => "gate: pass",
            GateOutcome.Regression => "gate: FAIL",
            GateOutcome.DataQualityRefused => "gate: REFUSED, the traces' data quality is not good enough to judge",
            _ => "gate: inconclusive, collect more runs (exit 125)",
        });
    }

    public static string StatusWord(GateStatus status) => status switch
    {
        GateStatus.Pass => "PASS",
        GateStatus.Fail => "FAIL",
        _ => "INCONCLUSIVE",
    };
}

/// <summary>A Markdown summary of a gate run for a pull-request comment.</summary>
internal static class GateMarkdownRenderer
{
    public static void Write(TextWriter output, GateReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"### BinderTrace gate: **{report.Outcome switch { GateOutcome.Pass => "pass", GateOutcome.Regression => "fail", GateOutcome.DataQualityRefused => "refused (data quality)", _ => "inconclusive" }}**");
        output.WriteLine();
        output.WriteLine("| gate | result | details |");
        output.WriteLine("|---|---|---|");
        foreach (var gateCase in report.AllCases)
        {
            output.WriteLine($"| {Escape(gateCase.Name)} | {GateTextRenderer.StatusWord(gateCase.Status)} | {Escape(gateCase.Message)} |");
        }
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

/// <summary>
/// JUnit XML (the Ant schema CI systems read): one <c>testsuite</c> with one <c>testcase</c> per gate plus
/// the data-quality case; a failed gate has a <c>failure</c>, an inconclusive one is <c>skipped</c>.
/// </summary>
internal static class GateJUnitWriter
{
    /// <summary>Writes UTF-8 (the declaration says so) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, GateReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var cases = report.AllCases.ToList();
        var failures = cases.Count(c => c.Status == GateStatus.Fail).ToString(CultureInfo.InvariantCulture);
        var skipped = cases.Count(c => c.Status == GateStatus.Inconclusive).ToString(CultureInfo.InvariantCulture);
        var tests = cases.Count.ToString(CultureInfo.InvariantCulture);
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "bindertrace gate");
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteAttributeString("skipped", skipped);
        xml.WriteAttributeString("errors", "0");
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", report.ConfigSource);
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteAttributeString("skipped", skipped);
        xml.WriteAttributeString("errors", "0");
        foreach (var gateCase in cases)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", "bindertrace.gate");
            xml.WriteAttributeString("name", gateCase.Name);
            switch (gateCase.Status)
            {
                case GateStatus.Fail:
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", gateCase.Message);
                    xml.WriteAttributeString("type", gateCase.Name == GateEvaluator.DataQualityCaseName ? "data-quality" : "regression");
                    xml.WriteString(gateCase.Message);
                    xml.WriteEndElement();
                    break;
                case GateStatus.Inconclusive:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", gateCase.Message);
                    xml.WriteEndElement();
                    break;
                default:
                    xml.WriteElementString("system-out", gateCase.Message);
                    break;
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }
}
