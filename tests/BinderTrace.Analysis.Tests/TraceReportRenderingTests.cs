using System.Globalization;
using System.Text;
using System.Text.Json;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Rendering;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

public sealed class TraceReportRenderingTests
{
    private static readonly string[] Distributions =
    [
        "pages.install_ns",
        "mmap_lock.wait_ns.read", "mmap_lock.wait_ns.write", "mmap_lock.hold_ns.read", "mmap_lock.hold_ns.write",
        "mmap_lock.binder.hold_ns.read", "mmap_lock.binder.hold_ns.write",
        "mmap_lock.binder.wait_ns.read", "mmap_lock.binder.wait_ns.write",
    ];

    /// <summary>
    /// The JSON contract of issue 4 on the 6.1 light capture. Expected values from the capture:
    /// <c>zcat trace.txt.gz | grep -c ' binder_alloc_page_end:'</c> = 97 (6.1 has no install races, every window
    /// installs), <c>grep -c ' binder_free_lru_end:'</c> = 445, <c>' binder_alloc_lru_end:'</c> = 348,
    /// <c>' binder_unmap_kernel_end:'</c> = 77, <c>' binder_transaction:'</c> = 177; design from traces/README.md.
    /// </summary>
    [Fact]
    public void The_json_report_keeps_the_contract_names_and_integer_distributions()
    {
        var root = JsonDocument.Parse(Json(Analyze("6.1.0-56-amd64", "light"))).RootElement;

        Assert.Equal(97, Path(root, "pages.installs").GetInt64());
        Assert.Equal(445, Path(root, "pages.lru_adds").GetInt64());
        Assert.Equal(348, Path(root, "pages.lru_removes").GetInt64());
        Assert.Equal(77, Path(root, "pages.reclaims").GetInt64());
        Assert.Equal(JsonValueKind.Number, Path(root, "pages.reinstalls_after_reclaim").ValueKind);
        Assert.Equal(177, Path(root, "transactions.count").GetInt64());
        Assert.Equal("range-write", Path(root, "fingerprint.design").GetString());
        foreach (var name in Distributions)
        {
            var d = Path(root, name);
            foreach (var field in new[] { "count", "total", "min", "p50", "p90", "p99", "max" })
            {
                Assert.True(d.GetProperty(field).TryGetInt64(out _), $"{name}.{field} is not an integer");
            }
        }

        Assert.Equal(97, Path(root, "pages.install_ns.count").GetInt64());
    }

    /// <summary>
    /// The text report is culture-independent: the same text under a culture with a decimal comma (a modified
    /// invariant culture, since the project builds with InvariantGlobalization).
    /// </summary>
    [Fact]
    public void The_text_report_does_not_depend_on_the_current_culture()
    {
        var report = Analyze("6.12.107+deb13-amd64", "light");
        var invariant = Text(report);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal(invariant, Text(report));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.Contains("design: page-write", invariant, StringComparison.Ordinal);
        Assert.Contains("ms", invariant, StringComparison.Ordinal);
    }

    /// <summary>Pins the duration units by hand: 950 ns, 12.3 us (12345 ns), 4.57 ms (4567890 ns), 1.235 s.</summary>
    [Theory]
    [InlineData(950, "950ns")]
    [InlineData(12_345, "12.3us")]
    [InlineData(4_567_890, "4.57ms")]
    [InlineData(1_234_567_890, "1.235s")]
    public void Durations_are_printed_in_a_readable_unit(long ns, string expected) =>
        Assert.Equal(expected, TraceReportText.Duration(ns));

    /// <summary>CSV quotes fields with commas or quotes (RFC 4180); JSON is an array of objects keyed by column.</summary>
    [Fact]
    public void Tables_render_as_csv_and_json()
    {
        TableColumn[] columns = [new("pid", 5, true), new("comm", 8, false)];
        var csv = new StringWriter();
        using (var table = new RowTableWriter(csv, TableFormat.Csv, columns))
        {
            table.Add(7);
            table.Add("a,\"b\"");
            table.EndRow();
        }

        var json = new StringWriter();
        using (var table = new RowTableWriter(json, TableFormat.Json, columns))
        {
            table.Add(7);
            table.Add("x");
            table.EndRow();
        }

        Assert.Equal("pid,comm\n7,\"a,\"\"b\"\"\"\n", csv.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("[{\"pid\":7,\"comm\":\"x\"}]", json.ToString().Trim());
    }

    private static TraceReport Analyze(string kernel, string capture)
    {
        using var source = TraceReader.Open(System.IO.Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, capture), "trace.txt.gz"), ParseOptions.Default);
        return TraceAnalyzer.Analyze(source);
    }

    private static string Json(TraceReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            TraceReportJson.Write(json, report);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(TraceReport report)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        TraceReportText.Write(writer, report);
        return writer.ToString();
    }

    private static JsonElement Path(JsonElement root, string path)
    {
        foreach (var part in path.Split('.'))
        {
            root = root.GetProperty(part);
        }

        return root;
    }
}
