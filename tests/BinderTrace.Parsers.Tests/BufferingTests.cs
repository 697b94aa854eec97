using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// Lines straddle reads: the result must not depend on how the input arrives. Every split offset and
/// one-byte reads must give exactly what a one-shot parse gives (STYLE.md, tests).
/// </summary>
public class BufferingTests
{
    // Covers header, TGID, 4/5/7 flag columns, no flags, CRLF, UTF-8 comm, a lost-events marker, a generic
    // event, a malformed payload, an unparsable line, an overlong line and a final line without newline.
    private const string Mixed =
        "# tracer: nop\n" +
        "# entries-in-buffer/entries-written: 9/9   #P:4\n" +
        "       binder_wl-272     [003] ...1.     5.008726: binder_update_page_range: proc=268 allocate=1 offset=0 size=4096\n" +
        "       binder_wl-272     (    268) [003] .....     5.008954: binder_alloc_page_start: proc=268 page_index=0\r\n" +
        "          <idle>-0     [001] d..2  5.009000: sched_switch: prev_comm=Jit thread pool prev_pid=4321 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n" +
        "CPU:1 [LOST 5 EVENTS]\n" +
        "         wörker-42      [000] dNh2..1     5.009100: mmap_lock_released: mm=000000006c553d24 memcg_path=/ write=true\n" +
        "this line is not a trace line\n" +
        "            init-1       [002]     5.009200: binder_transaction_fd_send: transaction=5 src_fd=3 offset=8\n" +
        "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n" +
        "       binder_wl-270     [002] .....     5.009300: binder_alloc_page_end: proc=268\n" +
        "       binder_wl-270     [002] .....     5.009400: binder_txn_latency_free: transaction=2 from 272:273 to 268:270 flags=0xb9 code=0x1\n" +
        "       binder_wl-270     [002] .....     5.009500: binder_ioctl_done: ret=";

    private static readonly ParseOptions Options = new() { MaxLineBytes = 180 };

    [Fact]
    public void The_mixed_sample_exercises_what_it_claims()
    {
        var (events, diagnostics, _) = Parse(new MemoryStream(Encoding.UTF8.GetBytes(Mixed)));
        Assert.Equal(8, events.Count);
        Assert.Equal(2, diagnostics.UnparsedLines); // the prose line and the overlong line
        Assert.Equal(1, diagnostics.MalformedPayloads);
        Assert.Equal(5, diagnostics.LostEvents);
        Assert.True(diagnostics.Truncated);
        Assert.Equal(12, diagnostics.LinesRead); // the cut last line is not a line
    }

    [Fact]
    public void Every_split_offset_gives_the_one_shot_result()
    {
        var bytes = Encoding.UTF8.GetBytes(Mixed);
        var expected = Parse(new MemoryStream(bytes));
        for (var k = 1; k < bytes.Length; k++)
        {
            AssertSame(expected, Parse(ChunkedStream.SplitAt(bytes, k)), $"split at {k}");
        }
    }

    [Fact]
    public void One_byte_reads_give_the_one_shot_result()
    {
        var bytes = Encoding.UTF8.GetBytes(Mixed);
        AssertSame(Parse(new MemoryStream(bytes)), Parse(ChunkedStream.OneByteAtATime(bytes)), "one byte per read");
    }

    [Fact]
    public void Gzip_split_at_every_compressed_offset_gives_the_one_shot_result()
    {
        var text = Mixed + "\n";
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        var expected = Parse(new MemoryStream(gzip));
        Assert.True(expected.Info.Compressed);
        for (var k = 1; k < gzip.Length; k++)
        {
            AssertSame(expected, Parse(ChunkedStream.SplitAt(gzip, k)), $"gzip split at {k}");
        }

        AssertSame(expected, Parse(ChunkedStream.OneByteAtATime(gzip)), "gzip one byte per read");
    }

    private static (List<TraceEvent> Events, TraceDiagnostics Diagnostics, TraceSourceInfo Info) Parse(Stream stream)
    {
        using var source = TraceReader.Open(stream, "mixed", Options);
        var events = TraceInput.ReadAll(source);
        return (events, source.Diagnostics, source.Info);
    }

    private static void AssertSame(
        (List<TraceEvent> Events, TraceDiagnostics Diagnostics, TraceSourceInfo Info) expected,
        (List<TraceEvent> Events, TraceDiagnostics Diagnostics, TraceSourceInfo Info) actual,
        string because)
    {
        Assert.True(expected.Events.SequenceEqual(actual.Events), because);
        var (e, a) = (expected.Diagnostics, actual.Diagnostics);
        Assert.True(
            e.LinesRead == a.LinesRead && e.BytesRead == a.BytesRead && e.EventsRead == a.EventsRead
            && e.UnparsedLines == a.UnparsedLines && e.MalformedPayloads == a.MalformedPayloads
            && e.LostEvents == a.LostEvents && e.Truncated == a.Truncated
            && e.SkippedSamples.SequenceEqual(a.SkippedSamples)
            && expected.Info.Format == actual.Info.Format && expected.Info.HeaderCpuCount == actual.Info.HeaderCpuCount,
            because);
    }
}
