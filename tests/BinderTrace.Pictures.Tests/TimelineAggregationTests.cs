using System.Text.Json;
using BinderTrace.Pictures.Timeline;

namespace BinderTrace.Tests;

/// <summary>
/// The timeline's budget: exact slices up to it (the shared captures stay exact), then per track one aggregate per
/// time bin whose counts and totals add up, with the exact slices, to what the analysis lists.
/// </summary>
public sealed class TimelineAggregationTests(CaptureOutputs outputs) : IClassFixture<CaptureOutputs>
{
    private const ulong Mm = 0x1000;

    [Fact]
    public void Past_the_budget_aggregates_add_up_to_the_hand_counted_holds_and_waits()
    {
        // 100 locks by task 7: lock i starts at 1,000,000 + 1000·i ns, waits 10 ns, holds i + 1 ns. So the holds total
        // 1 + 2 + … + 100 = 5050 ns and the waits 100 · 10 = 1000 ns. Slices close wait, hold, wait, hold, …: a budget
        // of 50 draws locks 0-24 exactly. Hold i ends at 1,000,000 + 1001·i + 11, in 10 µs bin floor((1001·i + 11) / 10^4)
        // from the first event: locks 25-29 in bin 2, then ten a bin in bins 3-9.
        var trace = new TestTrace();
        for (var i = 0; i < 100; i++)
        {
            var start = 1_000_000 + (1000L * i);
            trace.Lock(start, start + 10, start + 10 + i + 1, 7, Mm, write: i % 2 == 0);
        }

        var (document, counts) = TimelineTransactionTests.Write(trace, new TimelineBudget(ExactSlices: 50, BinNs: 10_000));
        var events = document.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        var exactHolds = events.Where(e => Category(e) == "mmap_lock_hold").ToList();
        var holdAggregates = events.Where(e => Category(e) == "mmap_lock_hold_aggregate").ToList();
        var waitAggregates = events.Where(e => Category(e) == "mmap_lock_wait_aggregate").ToList();

        Assert.Equal(25, exactHolds.Count);
        Assert.Equal(Enumerable.Range(1, 25).Sum(), exactHolds.Sum(e => e.GetProperty("args").GetProperty("duration_ns").GetInt64()));
        Assert.Equal([5L, 10, 10, 10, 10, 10, 10, 10], holdAggregates.Select(Count));
        Assert.Equal(26 + 27 + 28 + 29 + 30, Total(holdAggregates[0]));
        Assert.Equal(5050, exactHolds.Sum(e => e.GetProperty("args").GetProperty("duration_ns").GetInt64()) + holdAggregates.Sum(Total));
        Assert.Equal(75, waitAggregates.Sum(Count));
        Assert.Equal(1000, (25 * 10) + waitAggregates.Sum(Total));
        Assert.Equal("3 read hold, 2 write hold", string.Join(", ", holdAggregates[0].GetProperty("args").GetProperty("count_by_name").EnumerateObject().Select(p => $"{p.Value.GetInt64()} {p.Name}")));

        Assert.Equal((100L, 100L, 150L, 16L), (counts.LockHolds, counts.LockWaits, counts.AggregatedSlices, counts.Aggregates));
        var metadata = document.GetProperty("metadata");
        Assert.Equal((50L, 150L, 16L, 10_000L), (metadata.GetProperty("exact_slice_budget").GetInt64(), metadata.GetProperty("aggregated_slices").GetInt64(),
            metadata.GetProperty("aggregates").GetInt64(), metadata.GetProperty("aggregate_bin_ns").GetInt64()));

        // Each aggregate is drawn inside its own bin, on a track of its own: no two overlap.
        foreach (var track in holdAggregates.Concat(waitAggregates).GroupBy(e => (Pid(e), e.GetProperty("tid").GetInt64())))
        {
            var spans = track.Select(e => (Start: Ns(e, "ts"), End: Ns(e, "ts") + Ns(e, "dur"))).OrderBy(s => s.Start).ToList();
            Assert.All(spans.Zip(spans.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start));
        }

        Assert.DoesNotContain(Pid(holdAggregates[0]), exactHolds.Select(Pid));
    }

    [Fact]
    public void A_capture_under_the_default_budget_is_all_exact()
    {
        var document = Timeline(CaptureOutputs.Capture("6.12.107+deb13-amd64"));
        Assert.Equal(0, document.GetProperty("metadata").GetProperty("aggregated_slices").GetInt64());
        Assert.DoesNotContain(document.GetProperty("traceEvents").EnumerateArray(), e => Category(e).EndsWith("_aggregate", StringComparison.Ordinal));
    }

    [Fact]
    public void A_capture_over_a_small_budget_adds_up_to_the_locks_and_pages_tables()
    {
        var trace = CaptureOutputs.Capture("6.12.107+deb13-amd64");
        using var folder = new TempDirectory();
        var result = CliRun.Invoke("timeline", trace, "-o", folder.File("t.json"), "--exact-slices", "5000", "--aggregate-bin", "10ms");
        Assert.Equal(0, result.ExitCode);
        using var parsed = JsonDocument.Parse(File.ReadAllBytes(folder.File("t.json")));
        var events = parsed.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() != "M").ToList();
        var metadata = parsed.RootElement.GetProperty("metadata");
        Assert.Contains($"{metadata.GetProperty("aggregated_slices").GetInt64()} slices are merged into {metadata.GetProperty("aggregates").GetInt64()} aggregates", result.Error);

        long Drawn(string category) => events.Count(e => Category(e) == category) + events.Where(e => Category(e) == category + "_aggregate").Sum(Count);
        var report = outputs.Json("report", trace, "--json").GetProperty("mmap_lock");
        Assert.Equal(outputs.Json("locks", trace, "--json").GetArrayLength(), Drawn("mmap_lock_hold"));
        Assert.Equal(outputs.Json("locks", trace, "--waits", "--json").GetArrayLength(), Drawn("mmap_lock_wait"));
        Assert.Equal(outputs.Json("pages", trace, "--intervals", "--json").GetArrayLength(), Drawn("page_state"));
        var holdTotal = report.GetProperty("hold_ns").GetProperty("read").GetProperty("total").GetInt64() + report.GetProperty("hold_ns").GetProperty("write").GetProperty("total").GetInt64();
        Assert.Equal(holdTotal, events.Where(e => Category(e) == "mmap_lock_hold").Sum(e => e.GetProperty("args").GetProperty("duration_ns").GetInt64())
            + events.Where(e => Category(e) == "mmap_lock_hold_aggregate").Sum(Total));
        Assert.Equal(5000, events.Count(e => e.GetProperty("ph").GetString() is "X" && !Category(e).EndsWith("_aggregate", StringComparison.Ordinal))
            + (events.Count(e => e.GetProperty("ph").GetString() is "b") ));
    }

    [Theory]
    [InlineData("--aggregate-bin", "100", "--aggregate-bin")]
    [InlineData("--aggregate-bin", "0ms", "--aggregate-bin")]
    [InlineData("--exact-slices", "-1", "--exact-slices")]
    public void A_bad_budget_is_a_usage_error_and_leaves_no_file(string option, string value, string named)
    {
        using var folder = new TempDirectory();
        var result = CliRun.Invoke("timeline", CaptureOutputs.Capture("7.3.4+deb13-amd64", "light"), "-o", folder.File("t.json"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error);
        Assert.False(File.Exists(folder.File("t.json")));
    }

    private JsonElement Timeline(string trace)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(outputs.File(".json", "timeline", trace, "-o", "{file}")));
        return document.RootElement.Clone();
    }

    private static string Category(JsonElement e) => e.TryGetProperty("cat", out var cat) ? cat.GetString()! : "";

    private static long Pid(JsonElement e) => e.GetProperty("pid").GetInt64();

    private static long Count(JsonElement e) => e.GetProperty("args").GetProperty("count").GetInt64();

    private static long Total(JsonElement e) => e.GetProperty("args").GetProperty("total_ns").GetInt64();

    private static long Ns(JsonElement e, string property) => decimal.ToInt64(e.GetProperty(property).GetDecimal() * 1000);
}
