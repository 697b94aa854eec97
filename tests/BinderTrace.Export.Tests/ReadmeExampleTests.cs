using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

/// <summary>
/// Runs the DuckDB query of README.md ("p99 of binder's mmap_lock write holds per kernel") against a
/// dataset exported the way the README says, with hold durations chosen so the answer is known by hand.
/// </summary>
[Trait("Category", "Interop")]
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_query_gives_the_p99_of_binder_write_holds_per_kernel()
    {
        using var dir = new TempDirectory();
        var exports = dir.File("exports");
        foreach (var kernel in new[] { "6.1", "6.12" })
        {
            var trace = dir.File($"trace-{kernel}.txt");
            File.WriteAllText(trace, kernel);
            var exporter = new TraceExporter(
                new ExportOptions
                {
                    OutputDirectory = exports,
                    Tables = ExportTables.LockHolds,
                    PartitionBy = [PartitionKey.Kernel, PartitionKey.Source],
                    Kernel = kernel,
                },
                new TracePassOptions { Reader = (_, _, _) => new ListEventSource(new TraceSourceInfo { SourceName = trace }, []) },
                analysis: null,
                EmitHolds);
            exporter.Export([trace]);
        }

        var rows = RunReadmeQuery(exports);

        // 6.1: binder write holds of 1..100 ns; DuckDB quantile_disc(0.99) takes element floor(0.99 × 99) = 98 (0-based)
        // of the sorted values, i.e. 99. 6.12: 10, 20, …, 1000 → 990. The non-binder and read holds are filtered out.
        Assert.Equal(2, rows.Count);
        Assert.Equal(("6.1", "100", "99", "100"), rows[0]);
        Assert.Equal(("6.12", "100", "990", "1000"), rows[1]);
    }

    private static TraceExporter.ExportAnalysis EmitHolds(IAnalysisSink sink)
    {
        var analyzer = new TraceAnalyzer();
        return new TraceExporter.ExportAnalysis(new HoldsAtEnd(sink, analyzer), () => analyzer.Report!);
    }

    /// <summary>Hand-made holds, ten times longer in the 6.12 trace, emitted at the end of the trace beside a genuine (empty) analysis.</summary>
    private sealed class HoldsAtEnd(IAnalysisSink sink, TraceAnalyzer analyzer) : ITraceEventConsumer
    {
        public void OnEvents(ReadOnlySpan<TraceEvent> batch) => analyzer.OnEvents(batch);

        public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
        {
            Emit(info, sink);
            analyzer.OnEnd(info, diagnostics);
        }
    }

    private static void Emit(TraceSourceInfo info, IAnalysisSink sink)
    {
        var scale = info.SourceName.EndsWith("6.12.txt", StringComparison.Ordinal) ? 10 : 1;
        for (var i = 1; i <= 100; i++)
        {
            sink.OnLockHold(new MmapLockHold(1, "binder", 0xabc, LockMode.Write, Binder: true, 1_000_000, 1_000_000 + (i * scale)));
        }

        sink.OnLockHold(new MmapLockHold(2, "churn", 0xabc, LockMode.Write, Binder: false, 0, 50_000));
        sink.OnLockHold(new MmapLockHold(1, "binder", 0xabc, LockMode.Read, Binder: true, 0, 70_000));
    }

    private static List<(string Kernel, string Holds, string P99, string Max)> RunReadmeQuery(string exports)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var block = readme[(readme.IndexOf("<!-- readme-sql-begin -->", StringComparison.Ordinal) + 25)..readme.IndexOf("<!-- readme-sql-end -->", StringComparison.Ordinal)];
        var sql = block.Replace("```sql", "", StringComparison.Ordinal).Replace("```", "", StringComparison.Ordinal)
            .Replace("'exports/", $"'{exports}/", StringComparison.Ordinal);
        return DuckDbReader.Query(sql).Select(r => (r["kernel"]!, r["holds"]!, r["p99_ns"]!, r["max_ns"]!)).ToList();
    }
}
