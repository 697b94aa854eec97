using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// The real captures' trace.dat (v7, zstd, trace-cmd 3.1.6) and trace.v6.dat.gz against their trace.txt.gz
/// (../shared/traces/README.md: the same ring buffers). Totals and a few per-name counts come from shell commands
/// over the text; the rest is compared record by record with the text reader, which shares no code with the
/// trace.dat reader. Text prints microseconds that the kernel rounds to nearest (ns2usecs adds 500 ns before
/// dividing), so each binary timestamp must lie within 500 ns of its text twin.
/// </summary>
public class TraceDatRealCaptureTests
{
    public static TheoryData<string, string, string, int, int, int, int> Captures => new()
    {
        // events       = zcat trace.txt.gz | grep -vc '^#'
        // pageStarts   = zcat trace.txt.gz | grep -c ' binder_alloc_page_start:'
        // acquires     = zcat trace.txt.gz | grep -c ' mmap_lock_acquire_returned:'
        // switches     = zcat trace.txt.gz | grep -c ' sched_switch:'
        { "6.1.0-56-amd64", "light", "trace.dat", 9780, 97, 1214, 588 },
        { "6.12.107+deb13-amd64", "light", "trace.dat", 7796, 96, 496, 541 },
        { "7.3.4+deb13-amd64", "light", "trace.dat", 7585, 92, 456, 587 },
        { "6.12.107+deb13-amd64", "light", "trace.v6.dat.gz", 7796, 96, 496, 541 },
    };

    public static TheoryData<string, string, string, int, int, int, int> ContendedCaptures => new()
    {
        { "6.1.0-56-amd64", "contended", "trace.dat", 126241, 369, 4703, 4413 },
        { "6.12.107+deb13-amd64", "contended", "trace.dat", 124335, 503, 2359, 4170 },
        { "7.3.4+deb13-amd64", "contended", "trace.dat", 123442, 433, 1912, 4589 },
        { "6.1.0-56-amd64", "contended", "trace.v6.dat.gz", 126241, 369, 4703, 4413 },
        { "7.3.4+deb13-amd64", "contended", "trace.v6.dat.gz", 123442, 433, 1912, 4589 },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void Light_capture_matches_its_text(string kernel, string capture, string file, int events, int pageStarts, int acquires, int switches) =>
        Compare(kernel, capture, file, events, pageStarts, acquires, switches);

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(ContendedCaptures))]
    public void Contended_capture_matches_its_text(string kernel, string capture, string file, int events, int pageStarts, int acquires, int switches) =>
        Compare(kernel, capture, file, events, pageStarts, acquires, switches);

    private static void Compare(string kernel, string capture, string file, int events, int pageStarts, int acquires, int switches)
    {
        var folder = RepositoryPaths.SharedCaptureFolder(kernel, capture);
        using var dat = TraceReader.Open(Path.Combine(folder, file), TraceInput.Strict);
        using var text = TraceReader.Open(Path.Combine(folder, "trace.txt.gz"), TraceInput.Strict);
        var binary = TraceInput.ReadAll(dat);
        var printed = TraceInput.ReadAll(text);

        Assert.Equal(TraceFormat.TraceDat, dat.Info.Format);
        Assert.Equal(4, dat.Info.HeaderCpuCount);
        Assert.True(dat.Diagnostics.IsClean);
        Assert.Equal(events, binary.Count);
        Assert.Equal(pageStarts, binary.Count(e => e.Kind == EventKind.BinderAllocPageStart));
        Assert.Equal(acquires, binary.Count(e => e.Kind == EventKind.MmapLockAcquireReturned));
        Assert.Equal(switches, binary.Count(e => e.Kind == EventKind.SchedSwitch));
        Assert.True(binary.Zip(binary.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp), "merged stream is in time order");

        // Within one CPU both readers keep the ring buffer's order, so the records pair up one to one.
        for (var cpu = 0; cpu < 4; cpu++)
        {
            var b = binary.Where(e => e.Cpu == cpu).ToList();
            var t = printed.Where(e => e.Cpu == cpu).ToList();
            Assert.Equal(t.Count, b.Count);
            for (var i = 0; i < b.Count; i++)
            {
                Assert.Equal((t[i].Kind, t[i].Name, t[i].Pid), (b[i].Kind, b[i].Name, b[i].Pid));
                Assert.InRange(b[i].Timestamp - t[i].Timestamp, -500, 500);
                AssertSameFields(t[i], b[i]);
            }
        }
    }

    private static void AssertSameFields(TraceEvent text, TraceEvent binary)
    {
        switch (text.Kind)
        {
            case >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd:
                Assert.Equal(text.Page, binary.Page);
                break;
            case EventKind.BinderUpdatePageRange:
                Assert.Equal(text.PageRange, binary.PageRange);
                break;
            case EventKind.BinderTransaction:
                Assert.Equal(text.Transaction, binary.Transaction);
                break;
            case EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased:
                // mm is hashed in text and raw in binary: only write/success/memcg can match.
                Assert.Equal((text.MmapLock.Write, text.MmapLock.Success, text.MmapLock.MemcgPath, text.MmapLock.MemcgId),
                    (binary.MmapLock.Write, binary.MmapLock.Success, binary.MmapLock.MemcgPath, binary.MmapLock.MemcgId));
                break;
            case EventKind.SchedSwitch:
                Assert.Equal(text.SchedSwitch, binary.SchedSwitch);
                break;
            case EventKind.TracingMark:
                Assert.Equal(text.Text, binary.Text);
                break;
        }
    }
}
