using System.Globalization;
using System.Text.Json;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// The shared captures in Perfetto form (../shared/traces/README.md: made from trace.txt.gz by an independent
/// converter, encoded as traced_probes writes them). Expected counts come from the converter's
/// trace.pftrace.counts.json beside each file; expected fields come from the text reader over trace.txt.gz,
/// the same capture in another format.
/// </summary>
public class PerfettoRealCaptureTests
{
    public static TheoryData<string, string, string> LightCaptures => Captures("light");

    public static TheoryData<string, string, string> ContendedCaptures
    {
        get
        {
            var data = Captures("contended");
            foreach (var row in Captures("contended-2"))
            {
                data.Add((string)row[0], (string)row[1], (string)row[2]);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LightCaptures))]
    public void Light_capture_counts_match_the_converters_counts(string kernel, string capture, string encoding) =>
        AssertCountsMatch(kernel, capture, encoding);

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(ContendedCaptures))]
    public void Contended_capture_counts_match_the_converters_counts(string kernel, string capture, string encoding) =>
        AssertCountsMatch(kernel, capture, encoding);

    /// <summary>
    /// Every event, field by field, as the text reader gives it, but for what a Perfetto trace does not carry:
    /// the comm and tgid of the event's task (a Perfetto event holds only its tid) and, for compact_sched
    /// (dense encoding), a switch's prev_comm and prev_prio (not stored: the prev task's name can change by an
    /// exec that no event shows) and the prev task of a CPU's first switch when no event told who ran there.
    /// </summary>
    [Theory]
    [MemberData(nameof(LightCaptures))]
    public void Light_capture_events_equal_the_text_readers_field_by_field(string kernel, string capture, string encoding)
    {
        var folder = RepositoryPaths.SharedCaptureFolder(kernel, capture);
        var compact = encoding == "dense";
        var text = ReadDescriptions(Path.Combine(folder, "trace.txt.gz"), compact);
        var perfetto = ReadDescriptions(Path.Combine(folder, $"trace.{encoding}.pftrace.gz"), compact);

        var missing = text.Except(perfetto).ToList();
        var extra = perfetto.Except(text).ToList();

        // At most one switch per CPU (4 CPUs: the header's #P:4) with an unknown prev task.
        Assert.True(missing.Count <= 4 && extra.Count == missing.Count, string.Join("\n", missing.Take(5).Concat(extra.Take(5))));
        Assert.All(extra, e => Assert.Contains("PrevPid = -1", e, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LightCaptures))]
    public void Only_a_cpus_first_compact_switch_can_lack_its_prev_task(string kernel, string capture, string encoding)
    {
        var path = Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, capture), $"trace.{encoding}.pftrace.gz");
        using var source = TraceReader.Open(path, TraceInput.Strict);
        var switches = TraceInput.ReadAll(source).Where(e => e.Kind == EventKind.SchedSwitch).ToList();

        var unknownPrev = switches.Where(e => e.SchedSwitch.PrevPid < 0).ToList();
        var firstPerCpu = switches.GroupBy(e => e.Cpu).Select(g => g.First()).ToList();
        Assert.All(unknownPrev, e => Assert.Contains(e, firstPerCpu));
        if (encoding == "legacy")
        {
            Assert.Empty(unknownPrev);
        }
    }

    private static void AssertCountsMatch(string kernel, string capture, string encoding)
    {
        var folder = RepositoryPaths.SharedCaptureFolder(kernel, capture);
        var file = $"trace.{encoding}.pftrace.gz";
        using var counts = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "trace.pftrace.counts.json")));
        var expected = counts.RootElement.GetProperty("files").GetProperty(file);

        using var source = TraceReader.Open(Path.Combine(folder, file), TraceInput.Strict);
        var actual = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (source.TryRead(out var e))
        {
            actual[e.Name] = actual.GetValueOrDefault(e.Name) + 1;
        }

        // The converter names the trace_marker event by its Perfetto proto ("print"); typed, it carries the
        // text reader's name for the same kind (EventNames: tracing_mark_write).
        var wanted = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var property in expected.GetProperty("events").EnumerateObject())
        {
            wanted[property.Name == "print" ? "tracing_mark_write" : property.Name] = property.Value.GetInt64();
        }

        Assert.Equal(wanted, actual);
        Assert.Equal(expected.GetProperty("total").GetInt64(), source.Diagnostics.EventsRead);
        Assert.Equal(expected.GetProperty("bundles_with_lost_events").GetInt64(), source.Diagnostics.LostEventMarkers);
        Assert.True(source.Diagnostics.IsClean);
        Assert.Equal(0, source.Diagnostics.LateEvents);
        Assert.Equal(TraceFormat.Perfetto, source.Info.Format);
        Assert.True(source.Info.Compressed);
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

    private static List<string> ReadDescriptions(string path, bool compactSched)
    {
        using var source = TraceReader.Open(path, TraceInput.Strict);
        var all = new List<string>();
        while (source.TryRead(out var e))
        {
            all.Add(Describe(e, compactSched));
        }

        all.Sort(StringComparer.Ordinal);
        return all;
    }

    private static string Describe(TraceEvent e, bool compactSched)
    {
        var fields = e.Kind switch
        {
            EventKind.BinderUpdatePageRange => e.PageRange.ToString(),
            >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => e.Page.ToString(),
            EventKind.BinderTransaction => e.Transaction.ToString(),
            EventKind.BinderTransactionReceived => e.TransactionId.ToString(CultureInfo.InvariantCulture),
            >= EventKind.BinderTransactionAllocBuf and <= EventKind.BinderTransactionUpdateBufferRelease => e.Buffer.ToString(),
            EventKind.BinderTxnLatencyFree => e.TxnLatencyFree.ToString(),
            EventKind.BinderCommand or EventKind.BinderReturn => e.Command.ToString(),
            EventKind.BinderIoctl => e.Ioctl.ToString(),
            EventKind.BinderIoctlDone or EventKind.BinderWriteDone or EventKind.BinderReadDone => e.ReturnValue.ToString(CultureInfo.InvariantCulture),
            EventKind.BinderWaitForWork => e.WaitForWork.ToString(),
            >= EventKind.MmapLockStartLocking and <= EventKind.MmapLockReleased => e.MmapLock.ToString(),
            EventKind.SchedSwitch => (compactSched ? e.SchedSwitch with { PrevComm = "", PrevPrio = 0 } : e.SchedSwitch).ToString(),
            EventKind.SchedWakeup => e.SchedWakeup.ToString(),
            _ => e.Text,
        };
        return string.Create(CultureInfo.InvariantCulture, $"{e.Timestamp} {e.Cpu} {e.Kind} {e.Name} {fields} {(e.Kind == EventKind.SchedSwitch ? "" : e.Pid)}");
    }
}
