using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>
/// Commands take a trace.dat exactly as they take text: the same capture's trace.dat and trace.txt.gz
/// (../shared/traces/README.md: one ring buffer, two renderings) give the same counts and fingerprint.
/// Durations differ only by the text's microsecond rounding: each printed timestamp is within 500 ns of the
/// binary one (the kernel's ns2usecs rounds to nearest), so one duration is within 1000 ns and a total of N
/// durations within N × 1000 ns.
/// </summary>
public sealed class TraceDatCommandTests
{
    private static string Capture(string kernel, string capture, string file) =>
        Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, capture), file);

    [Theory]
    [InlineData("trace.dat")]
    [InlineData("trace.v6.dat.gz")]
    public void Stats_json_of_the_dat_has_the_text_counts(string file)
    {
        var dat = CliRun.Invoke("stats", "--json", Capture("6.12.107+deb13-amd64", "light", file));
        var text = CliRun.Invoke("stats", "--json", Capture("6.12.107+deb13-amd64", "light", "trace.txt.gz"));

        Assert.Equal(0, dat.ExitCode);
        using var datJson = JsonDocument.Parse(dat.Output);
        using var textJson = JsonDocument.Parse(text.Output);
        var d = datJson.RootElement;
        var t = textJson.RootElement;
        Assert.Equal("trace_dat", d.GetProperty("format").GetString());
        Assert.Equal(Counts(t.GetProperty("events")), Counts(d.GetProperty("events")));
        // zcat trace.txt.gz | grep -c ' binder_alloc_page_start:'   -> 96;   grep -vc '^#'   -> 7796
        Assert.Equal(96, d.GetProperty("events").GetProperty("binder_alloc_page_start").GetInt64());
        Assert.Equal(7796, d.GetProperty("event_count").GetInt64());
        foreach (var name in new[] { "lost_events", "unparsed_lines", "cpus" })
        {
            Assert.Equal(t.GetProperty(name).GetInt64(), d.GetProperty(name).GetInt64());
        }

        // The first event line prints 4.915729 s.
        Assert.InRange(d.GetProperty("first_ts_ns").GetInt64(), 4_915_729_000 - 500, 4_915_729_000 + 500);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Report_json_of_the_dat_has_the_text_counts_and_fingerprint()
    {
        var dat = CliRun.Invoke("report", "--json", Capture("6.12.107+deb13-amd64", "contended", "trace.dat"));
        var text = CliRun.Invoke("report", "--json", Capture("6.12.107+deb13-amd64", "contended", "trace.txt.gz"));

        Assert.Equal(0, dat.ExitCode);
        using var datJson = JsonDocument.Parse(dat.Output);
        using var textJson = JsonDocument.Parse(text.Output);
        var d = datJson.RootElement;
        var t = textJson.RootElement;
        Assert.Equal(t.GetProperty("fingerprint").GetRawText(), d.GetProperty("fingerprint").GetRawText());
        Assert.Equal(t.GetProperty("event_count").GetInt64(), d.GetProperty("event_count").GetInt64());
        foreach (var (section, names) in new[]
        {
            ("pages", new[] { "installs", "raced_installs", "lru_adds", "lru_removes", "reclaims", "reinstalls_after_reclaim", "installed_at_end", "peak_installed", "page_range_updates" }),
            ("mmap_lock", ["failed_locks", "downgrades", "unmatched_releases", "trylock_acquires", "failed_trylocks"]),
            ("transactions", ["count", "replies", "oneway", "pages_installed", "with_page_installs"]),
        })
        {
            foreach (var name in names)
            {
                Assert.Equal((section, name, t.GetProperty(section).GetProperty(name).GetInt64()), (section, name, d.GetProperty(section).GetProperty(name).GetInt64()));
            }
        }

        foreach (var (section, path) in new[] { ("pages", "install_ns"), ("mmap_lock", "hold_ns.write"), ("mmap_lock", "wait_ns.read"), ("transactions", "delivery_ns") })
        {
            var dd = Dig(d.GetProperty(section), path);
            var tt = Dig(t.GetProperty(section), path);
            var count = tt.GetProperty("count").GetInt64();
            Assert.Equal(count, dd.GetProperty("count").GetInt64());
            Assert.InRange(dd.GetProperty("total").GetInt64() - tt.GetProperty("total").GetInt64(), -1000 * count, 1000 * count);
        }
    }

    private static JsonElement Dig(JsonElement element, string path) =>
        path.Split('.').Aggregate(element, (e, name) => e.GetProperty(name));

    private static SortedDictionary<string, long> Counts(JsonElement events) =>
        new(events.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), StringComparer.Ordinal);
}
