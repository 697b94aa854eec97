using System.Globalization;
using System.Text.RegularExpressions;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// The kernel keeps its own books: after each workload phase, workload.log prints the binder driver's debugfs
/// counters for the server process (<c>pages: active:lru:free</c>), and the trace carries a
/// <c>tracing_mark_write</c> marker at the same point. The page state reconstructed from the trace must equal
/// the kernel's counts at every such marker, on every shared capture. Expected values are read from workload.log
/// (the kernel's own numbers), never from the analysis.
/// </summary>
public sealed partial class RealCaptureKernelBooksTests
{
    /// <summary>
    /// workload.log label of a debugfs dump → the first marker written after the dump (workload/binder_wl.c
    /// main(): <c>run_phase(PH_A)</c> writes "phase A-warmup end", then <c>grep_pages("after-A")</c> reads debugfs,
    /// then <c>run_phase(PH_B)</c> writes "phase B-contention begin" before any client exists). The server may
    /// still free the last one-way buffers after a phase's end marker (6.12 light: transaction 35 is released at
    /// 5.032559, after "phase A-warmup end" at 5.032138), so the end marker can precede the kernel's read; the
    /// next marker cannot. Marker texts checked with <c>zcat trace.txt.gz | grep tracing_mark_write</c>.
    /// </summary>
    private static readonly (string Label, string Marker)[] Checkpoints =
    [
        ("after-A", "binder_wl: phase B-contention begin"),
        ("after-B", "binder_wl: phase C-idle-reclaim begin"),
        ("before-drop_caches", "binder_wl: drop_caches begin"),
        ("after-drop_caches", "binder_wl: phase C-idle-reclaim end"),
        ("after-D", "binder_wl: end"),
    ];

    public static TheoryData<string, string> Captures => new()
    {
        { "6.1.0-56-amd64", "light" },
        { "6.1.0-56-amd64", "contended" },
        { "6.12.107+deb13-amd64", "light" },
        { "6.12.107+deb13-amd64", "contended" },
        { "7.3.4+deb13-amd64", "light" },
        { "7.3.4+deb13-amd64", "contended" },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Server_page_counts_at_every_phase_marker_equal_the_kernels_debugfs_counts(string kernel, string capture)
    {
        var folder = RepositoryPaths.SharedCaptureFolder(kernel, capture);
        var log = File.ReadAllLines(Path.Combine(folder, "workload.log"));
        var server = ServerRole().Match(string.Join('\n', log));
        Assert.True(server.Success, "workload.log has no ROLE server-main line");
        var serverTgid = int.Parse(server.Groups["tgid"].Value, CultureInfo.InvariantCulture);
        var mapPages = long.Parse(server.Groups["size"].Value, CultureInfo.InvariantCulture) / 4096;

        var report = Analyze(Path.Combine(folder, "trace.txt.gz"));

        foreach (var (label, marker) in Checkpoints)
        {
            var books = log.Single(line => line.StartsWith(label + ": server binder  pages:", StringComparison.Ordinal));
            var kernelCounts = PagesLine().Match(books);
            var expectedActive = int.Parse(kernelCounts.Groups["active"].Value, CultureInfo.InvariantCulture);
            var expectedLru = int.Parse(kernelCounts.Groups["lru"].Value, CultureInfo.InvariantCulture);
            var expectedFree = int.Parse(kernelCounts.Groups["free"].Value, CultureInfo.InvariantCulture);

            var snapshot = report.Markers.Single(m => m.Text.TrimEnd() == marker);
            var counts = snapshot.Counts.SingleOrDefault(c => c.Proc == serverTgid);
            Assert.Equal((label, expectedActive, expectedLru, expectedFree), (label, counts.Active, counts.Lru, (int)(mapPages - counts.Active - counts.Lru)));
        }
    }

    private static TraceReport Analyze(string path)
    {
        using var source = TraceReader.Open(path, ParseOptions.Default);
        return TraceAnalyzer.Analyze(source);
    }

    [GeneratedRegex(@"ROLE server-main tgid=(?<tgid>\d+) .* size=(?<size>\d+)")]
    private static partial Regex ServerRole();

    [GeneratedRegex(@"pages: (?<active>\d+):(?<lru>\d+):(?<free>\d+)")]
    private static partial Regex PagesLine();
}
