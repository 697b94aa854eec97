using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

/// <summary>Issue 13: every exported file's footer carries the trace's data-quality table (README "Data-quality table"), read back by parquet-wasm (node).</summary>
[Trait("Category", "Interop")]
public sealed class DataQualityFooterTests
{
    [Fact]
    public void The_footer_lists_the_non_zero_counters_with_their_severity_in_catalogue_order_and_nothing_for_a_clean_trace()
    {
        using var dir = new TempDirectory();
        var damaged = dir.File("damaged.txt");
        var clean = dir.File("clean.txt");
        File.WriteAllText(damaged, "fake trace one\n");
        File.WriteAllText(clean, "fake trace two\n");
        var info = new TraceSourceInfo { SourceName = "fake", Format = TraceFormat.FtraceText };
        var exporter = new TraceExporter(
            new ExportOptions { OutputDirectory = dir.File("out"), Tables = ExportTables.Events },
            new TracePassOptions
            {
                Reader = (_, path, _) =>
                {
                    var source = new ListEventSource(info, [TraceEvent.ForPage(new EventHeader(1_000, 0, 100, 100, "binder-wl"), EventKind.BinderAllocPageStart, 100, 3)]);
                    if (path == damaged)
                    {
                        source.Diagnostics.AddUnparsedLine(7, 300, "test", "garbage");
                        source.Diagnostics.ReorderedEvents = 2;
                    }

                    return source;
                },
            });

        var file = Assert.Single(exporter.Export([damaged, clean]));

        // One line per trace in input order; unparsed_lines (error) comes before reordered_events (info) in the catalogue.
        var metadata = InteropReaders.Summarize(InteropReaders.ParquetWasm, file.Path).Metadata;
        Assert.Equal("unparsed_lines=1 (error), reordered_events=2 (info)\n", metadata["bindertrace.data_quality"]);
    }
}
