using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Real kernel captures (fixtures/ftrace/README.md, ../shared/traces/README.md). Expected numbers come from
/// shell tools over the same files, never from this parser: each figure names its command.
/// </summary>
public class RealCaptureTests
{
    public static TheoryData<string, int, long, long, int, int, long, int> LightCaptures => new()
    {
        // fixture, events  = zcat F | grep -vc '^#',
        // first/last ns    = zcat F | grep -v '^#' | head -1 / tail -1 (the "sec.usec:" field, times 10^9),
        // oneWay           = zcat F | grep ' binder_txn_latency_free:' | grep -c 'code=0x1$',
        // pageIndexSum     = zcat F | grep ' binder_alloc_page_start:' | sed 's/.*page_index=//' | awk '{s+=$1} END {print s}',
        // writeAcquires    = zcat F | grep ' mmap_lock_acquire_returned:' | grep -c 'write=true'
        { "6.1.0-56-amd64-light.trace.txt.gz", 9780, 4_969_021_000, 6_043_802_000, 23, 3046, 259, 4 },
        { "6.12.107+deb13-amd64-light.trace.txt.gz", 7796, 4_915_729_000, 5_942_405_000, 23, 2489, 265, 4 },
        { "7.3.4+deb13-amd64-light.trace.txt.gz", 7585, 5_353_914_000, 6_396_649_000, 23, 1980, 243, 4 },
    };

    /// <summary>Per-event counts: <c>zcat F | grep -c ' NAME:'</c> for each name, in this order.</summary>
    private static readonly string[] CountedNames =
    [
        "binder_update_page_range", "binder_alloc_lru_start", "binder_alloc_lru_end", "binder_free_lru_start",
        "binder_free_lru_end", "binder_alloc_page_start", "binder_alloc_page_end", "binder_unmap_user_start",
        "binder_unmap_user_end", "binder_unmap_kernel_start", "binder_unmap_kernel_end", "binder_transaction",
        "binder_transaction_received", "binder_transaction_alloc_buf", "binder_transaction_buffer_release",
        "binder_txn_latency_free", "binder_command", "binder_return", "binder_ioctl", "binder_ioctl_done",
        "binder_write_done", "binder_read_done", "binder_wait_for_work", "mmap_lock_start_locking",
        "mmap_lock_acquire_returned", "mmap_lock_released", "sched_switch", "sched_wakeup", "tracing_mark_write",
    ];

    private static readonly Dictionary<string, long[]> GrepCounts = new()
    {
        ["6.1.0-56-amd64-light.trace.txt.gz"] =
            [294, 348, 348, 445, 445, 97, 97, 77, 77, 77, 77, 177, 177, 177, 177, 177, 358, 356, 303, 303, 210, 290, 290, 1159, 1214, 1111, 588, 320, 11],
        ["6.12.107+deb13-amd64-light.trace.txt.gz"] =
            [474, 351, 351, 446, 446, 96, 96, 67, 67, 67, 67, 177, 177, 177, 177, 177, 358, 356, 303, 303, 210, 290, 290, 465, 496, 465, 541, 295, 11],
        ["7.3.4+deb13-amd64-light.trace.txt.gz"] =
            [462, 342, 342, 432, 432, 92, 92, 56, 56, 56, 56, 177, 177, 177, 177, 177, 358, 356, 302, 302, 210, 289, 289, 401, 456, 398, 587, 323, 11],
    };

    [Theory]
    [MemberData(nameof(LightCaptures))]
    public void Light_capture_fixture(string fixture, int events, long firstNs, long lastNs, int oneWay, int pageIndexSum, long writeAcquires, int cpus)
    {
        using var source = TraceReader.Open(TraceInput.Fixture(fixture), ParseOptions.Default with { Strict = true });
        var all = TraceInput.ReadAll(source);

        Assert.Equal(events, all.Count);
        Assert.Equal(events, source.Diagnostics.EventsRead);
        Assert.True(source.Diagnostics.IsClean);
        Assert.Equal(TraceFormat.FtraceText, source.Info.Format);
        Assert.True(source.Info.Compressed);
        Assert.Equal(cpus, source.Info.HeaderCpuCount);
        Assert.Equal(TraceClockKind.Nanoseconds, source.Info.Clock);
        Assert.Equal(firstNs, all[0].Timestamp);
        Assert.Equal(lastNs, all[^1].Timestamp);

        var counts = all.CountBy(e => e.Name).ToDictionary();
        Assert.Equal(GrepCounts[fixture], CountedNames.Select(n => (long)counts.GetValueOrDefault(n)));
        Assert.DoesNotContain(all, e => e.Kind == EventKind.Generic);

        // Code and flags of binder_txn_latency_free by position: TF_ONE_WAY (0x1) sits after "code=".
        Assert.Equal(oneWay, all.Count(e => e.Kind == EventKind.BinderTxnLatencyFree && e.TxnLatencyFree.Flags == 1));
        Assert.Equal(oneWay, all.Count(e => e.Kind == EventKind.BinderTransaction && e.Transaction.Flags == 1));
        Assert.Equal(pageIndexSum, all.Where(e => e.Kind == EventKind.BinderAllocPageStart).Sum(e => e.Page.PageIndex));
        Assert.Equal(writeAcquires, all.Count(e => e.Kind == EventKind.MmapLockAcquireReturned && e.MmapLock.Write));
    }

    [Theory]
    [InlineData("6.1.0-56-amd64")]
    [InlineData("6.12.107+deb13-amd64")]
    [InlineData("7.3.4+deb13-amd64")]
    public void Contended_capture_matches_the_event_counts_in_its_meta_file(string kernel)
    {
        var folder = Path.Combine(TraceInput.SharedTraces, kernel, "contended");
        var expected = ReadMetaEventCounts(Path.Combine(folder, "meta.txt"));
        Assert.NotEmpty(expected);

        using var source = TraceReader.Open(Path.Combine(folder, "trace.txt.gz"), ParseOptions.Default with { Strict = true });
        var counts = new Dictionary<string, long>();
        var previous = long.MinValue;
        while (source.TryRead(out var e))
        {
            counts[e.Name] = counts.GetValueOrDefault(e.Name) + 1;
            Assert.True(e.Timestamp >= previous);
            previous = e.Timestamp;
        }

        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), counts.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.True(source.Diagnostics.IsClean);
        Assert.Equal(0, source.Diagnostics.MalformedPayloads);
    }

    /// <summary>The "event_counts:" block of meta.txt: indented "name count" lines.</summary>
    private static Dictionary<string, long> ReadMetaEventCounts(string path)
    {
        var counts = new Dictionary<string, long>();
        var inBlock = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("event_counts:", StringComparison.Ordinal))
            {
                inBlock = true;
                continue;
            }

            if (inBlock)
            {
                if (!line.StartsWith("  ", StringComparison.Ordinal))
                {
                    break;
                }

                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                counts[parts[0]] = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }
}
