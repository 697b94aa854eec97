using BinderTrace.Analysis.Reporting;
using BinderTrace.Export;

namespace BinderTrace.Tests;

/// <summary><c>export --proc</c> narrows the events table the way <c>stats --proc</c> counts, not only the analysis tables.</summary>
public sealed class ProcExportTests
{
    private static readonly string Trace = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");

    /// <summary>
    /// Server 268 of the 6.12 light capture (no TGID column): its own task, the binder events naming it, and the
    /// threads binder events pair with it from their pairing on. 4180, counted with awk in
    /// FocusCommandTests.Stats_proc_counts_the_events_of_the_process's comment (the whole capture has
    /// 7796 events: its header's entries-in-buffer).
    /// </summary>
    [Fact]
    public void The_events_table_of_an_export_with_proc_holds_the_events_of_that_process()
    {
        using var dir = new TempDirectory();
        new TraceExporter(
            new ExportOptions { OutputDirectory = dir.Path, Tables = ExportTables.Events },
            analysis: new AnalysisOptions { Proc = 268 }).Export([Trace]);

        var events = InteropReaders.Summarize(InteropReaders.DuckDb, dir.File("events.parquet"));
        Assert.Equal(4180, events.Rows);
    }
}
