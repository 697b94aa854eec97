using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>
/// <c>report --json</c> on the Perfetto form of a shared capture equals <c>report --json</c> on its text form
/// (../shared/traces/README.md: the same events, converted independently). Tolerance, and why:
/// <list type="bullet">
/// <item><c>source</c> names the file; <c>lines_read</c> counts text lines (a protobuf trace has none);
/// <c>reordered_events</c> counts events the CPU merge moved (text is printed merged, Perfetto per CPU).</item>
/// <item>A <c>comm</c> may differ, at most <see cref="MaxCommDifferences"/> per report: a Perfetto event carries
/// only its tid, so its comm is the name known when the event is read, while the kernel's text prints each
/// tid's last saved name, also for events from before the task exec'd (a forked <c>init</c> that became
/// <c>binder_wl</c>). On the shared captures at most 4 of 24–30 comms differ.</item>
/// </list>
/// Every other value (counts, durations, percentiles, pids, pages) must be equal.
/// </summary>
public sealed class PerfettoReportTests
{
    private const int MaxCommDifferences = 5;

    // binder_processes is compared by CompareProcesses: Perfetto carries each thread's tgid (process_tree), which the
    // text of these captures lacks, so a client's sends the text cannot attribute are attributed there.
    // data_quality.table repeats the counters of data_quality (compared there), reordered_events among them.
    private static readonly HashSet<string> IgnoredProperties = ["source", "lines_read", "reordered_events", "binder_processes", "table"];

    public static TheoryData<string, string, string> Light => Captures("light");

    public static TheoryData<string, string, string> Contended => Captures("contended");

    [Theory]
    [MemberData(nameof(Light))]
    public void Report_json_on_a_light_perfetto_capture_equals_the_text_captures(string kernel, string capture, string encoding) =>
        AssertSameReport(kernel, capture, encoding);

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Contended))]
    public void Report_json_on_a_contended_perfetto_capture_equals_the_text_captures(string kernel, string capture, string encoding) =>
        AssertSameReport(kernel, capture, encoding);

    [Fact]
    public void Stats_json_names_the_perfetto_format()
    {
        var path = Path.Combine(RepositoryPaths.SharedCaptureFolder("6.12.107+deb13-amd64", "light"), "trace.dense.pftrace.gz");

        var result = CliRun.Invoke("stats", "--json", path);

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("perfetto", root.GetProperty("format").GetString());

        // zcat trace.txt.gz | grep -vc '^#' = 7796; the converter's counts.json gives the same total.
        Assert.Equal(7796, root.GetProperty("event_count").GetInt64());
    }

    private static void AssertSameReport(string kernel, string capture, string encoding)
    {
        var folder = RepositoryPaths.SharedCaptureFolder(kernel, capture);
        var text = CliRun.Invoke("report", "--json", Path.Combine(folder, "trace.txt.gz"));
        var perfetto = CliRun.Invoke("report", "--json", Path.Combine(folder, $"trace.{encoding}.pftrace.gz"));

        Assert.Equal((0, ""), (text.ExitCode, text.Error));
        Assert.Equal((0, ""), (perfetto.ExitCode, perfetto.Error));
        var differences = new List<string>();
        Compare(JsonDocument.Parse(text.Output).RootElement, JsonDocument.Parse(perfetto.Output).RootElement, "$", differences);

        CompareProcesses(JsonDocument.Parse(text.Output).RootElement, JsonDocument.Parse(perfetto.Output).RootElement, differences);

        var commDifferences = differences.Count(d => d.EndsWith(".comm", StringComparison.Ordinal));
        Assert.True(differences.Count == commDifferences, "differences: " + string.Join(", ", differences.Take(10)));
        Assert.InRange(commDifferences, 0, MaxCommDifferences);
    }

    /// <summary>
    /// The same binder processes with the same pages and mmap_lock holds; the transactions of a process may be more
    /// in the Perfetto trace (sends attributed through tgid), never fewer.
    /// </summary>
    private static void CompareProcesses(JsonElement text, JsonElement perfetto, List<string> differences)
    {
        var fromText = text.GetProperty("binder_processes").EnumerateArray().ToDictionary(p => p.GetProperty("proc").GetInt32());
        var fromPerfetto = perfetto.GetProperty("binder_processes").EnumerateArray().ToDictionary(p => p.GetProperty("proc").GetInt32());
        if (!fromText.Keys.Order().SequenceEqual(fromPerfetto.Keys.Order()))
        {
            differences.Add("$.binder_processes (procs)");
            return;
        }

        foreach (var (proc, t) in fromText)
        {
            var f = fromPerfetto[proc];
            foreach (var field in (string[])["page_installs", "mmap_lock_holds", "binder_holds"])
            {
                if (t.GetProperty(field).GetInt64() != f.GetProperty(field).GetInt64())
                {
                    differences.Add($"$.binder_processes[proc {proc}].{field}");
                }
            }

            if (f.GetProperty("transactions").GetInt64() < t.GetProperty("transactions").GetInt64())
            {
                differences.Add($"$.binder_processes[proc {proc}].transactions (fewer)");
            }
        }
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add(path);
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).ToList();
                if (!names.SequenceEqual(actual.EnumerateObject().Select(p => p.Name)))
                {
                    differences.Add(path + " (properties)");
                    return;
                }

                // A phase starts at a trace_marker's µs: events of other CPUs stamped that same µs fall inside or
                // outside it by the merge's order of ties, which the two formats break differently; a phase's list
                // of top blockers (unlike its counts) can then differ by a marginal entry.
                foreach (var name in names.Where(n => !IgnoredProperties.Contains(n) && !(n == "top_blockers" && path.Contains(".phases[", StringComparison.Ordinal))))
                {
                    Compare(expected.GetProperty(name), actual.GetProperty(name), path + "." + name, differences);
                }

                break;
            case JsonValueKind.Array:
                var left = expected.EnumerateArray().ToList();
                var right = actual.EnumerateArray().ToList();
                if (left.Count != right.Count)
                {
                    differences.Add(path + " (length)");
                    return;
                }

                for (var i = 0; i < left.Count; i++)
                {
                    Compare(left[i], right[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add(path);
                }

                break;
        }
    }

    private static TheoryData<string, string, string> Captures(string capture)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kernel in new[] { "6.1.0-56-amd64", "6.12.107+deb13-amd64", "7.3.4+deb13-amd64" })
        {
            data.Add(kernel, capture, "dense");
            data.Add(kernel, capture, "legacy");
        }

        return data;
    }
}
