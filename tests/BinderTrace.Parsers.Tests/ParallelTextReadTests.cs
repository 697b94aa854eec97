using System.Globalization;
using System.IO.Compression;
using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// The text reader parses blocks of lines on worker threads; what it hands on must be exactly what the
/// single-threaded parse gives: the events in order (field by field), the diagnostics (with the skipped lines'
/// numbers and offsets), the source info, and a strict-mode error at the same line after the same events.
/// Block sizes are forced small so that block edges fall on every awkward spot.
/// </summary>
public class ParallelTextReadTests
{
    private const string TaskPrefix = "       binder_wl-270     [002] .....     ";

    public static TheoryData<string> RealTextCaptures()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(TraceInput.SharedTraces, "trace.txt.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TraceInput.SharedTraces, path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealTextCaptures))]
    public void Every_real_capture_reads_the_same_in_parallel(string capture)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TraceInput.SharedTraces, capture));
        var single = Read(bytes, TextReadSettings.SingleThreaded, ParseOptions.Default);
        Assert.True(single.Events.Count > 1000, $"{capture}: {single.Events.Count} events");
        foreach (var settings in new[] { TextReadSettings.Default, new TextReadSettings(2, 4096), new TextReadSettings(3, 777) })
        {
            AssertSame(single, Read(bytes, settings, ParseOptions.Default), $"{capture} with {settings}");
        }
    }

    [Fact]
    public void A_cut_gzip_stream_ends_both_readers_at_the_same_line_as_truncated()
    {
        // 3,000 lines of 77 bytes, gzipped and cut in the middle: the decoder's error ends the input in the one read
        // step both line readers share, after the same complete lines; the events are lines 0.. in order (ret = index).
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"       binder_wl-268     [000] .....     1.{i:D6}: binder_ioctl_done: ret={i}\n"));
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        var cut = gzip.AsSpan(0, gzip.Length / 2).ToArray();
        var single = Read(cut, TextReadSettings.SingleThreaded, ParseOptions.Default);
        Assert.Contains("Truncated=True", single.Diagnostics, StringComparison.Ordinal);
        Assert.InRange(single.Events.Count, 1, 2999);
        Assert.Equal(Enumerable.Range(0, single.Events.Count), single.Events.Select(e => e.ReturnValue));
        foreach (var settings in new[] { TextReadSettings.Default, new TextReadSettings(2, 4096) })
        {
            AssertSame(single, Read(cut, settings, ParseOptions.Default), $"cut gzip with {settings}");
        }
    }

    [Fact]
    public void A_real_capture_read_in_parallel_shares_one_string_per_comm_and_name()
    {
        var bytes = File.ReadAllBytes(RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "contended"));
        var events = Read(bytes, new TextReadSettings(2, 4096), ParseOptions.Default).Events;
        var comms = events.Select(e => e.Comm).Distinct(ReferenceEqualityComparer.Instance).Count();
        var names = events.Select(e => e.Name).Distinct(ReferenceEqualityComparer.Instance).Count();
        Assert.Equal(events.Select(e => e.Comm).Distinct(StringComparer.Ordinal).Count(), comms);
        Assert.Equal(events.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count(), names);
    }

    /// <summary>
    /// Lines 1-3 header, 4 event, 5 a lost-events marker, 6 an event with CRLF, 7 blank, 8 garbage, 9 a line of
    /// 120 bytes (over the limit of 100 set below), 10 a malformed payload, 11 an event out of order, 12 a final event
    /// without a newline.
    /// </summary>
    private static string AwkwardTrace(string end) =>
        "# tracer: nop\n#\n#   TASK-PID   CPU#  TIMESTAMP  FUNCTION\n"
        + TaskPrefix + "4.950115: binder_write_done: ret=0\n"
        + "CPU:2 [LOST 7 EVENTS]\n"
        + TaskPrefix + "4.950269: binder_read_done: ret=0\r\n"
        + "   \n"
        + "this is not an event line\n"
        + new string('x', 120) + "\n"
        + TaskPrefix + "4.950300: binder_write_done: ret=zero\n"
        + TaskPrefix + "4.950200: binder_read_done: ret=0\n"
        + TaskPrefix + "4.950404: binder_write_done: ret=0" + end;

    [Fact]
    public void Block_edges_at_every_byte_of_an_awkward_trace_change_nothing()
    {
        var options = ParseOptions.Default with { MaxLineBytes = 100 };
        foreach (var end in new[] { "", "\n" })
        {
            var bytes = Encoding.UTF8.GetBytes(AwkwardTrace(end));
            var single = Read(bytes, TextReadSettings.SingleThreaded, options);

            // Hand-counted: lines 4, 6, 10 (kept as generic), 11 and the marker of line 5; line 12 only when it ends with a newline.
            Assert.Equal(end == "" ? 5 : 6, single.Events.Count);
            Assert.Equal(EventKind.LostEvents, single.Events[1].Kind);
            Assert.Equal(4_950_115_000, single.Events[1].Timestamp);
            Assert.Contains("UnparsedLines=2 ", single.Diagnostics, StringComparison.Ordinal);
            Assert.Contains("[8@" + Offset(bytes, 8) + " ", single.Diagnostics, StringComparison.Ordinal);
            Assert.Contains("[9@" + Offset(bytes, 9) + " ", single.Diagnostics, StringComparison.Ordinal);
            Assert.Contains("MalformedPayloads=1 ", single.Diagnostics, StringComparison.Ordinal);
            Assert.Contains("Truncated=" + (end == "" ? "True" : "False"), single.Diagnostics, StringComparison.Ordinal);
            for (var blockBytes = 1; blockBytes <= bytes.Length + 1; blockBytes++)
            {
                AssertSame(single, Read(bytes, new TextReadSettings(2, blockBytes), options), $"end {end.Length}, block {blockBytes}");
            }
        }
    }

    [Fact]
    public void Lines_ending_at_every_offset_of_the_block_parsers_32_byte_newline_search_read_the_same()
    {
        // After the 14-byte header line every event line is 71 bytes with its newline (41 + 24 + 5 + 1), and 71 is
        // odd, so lines 0 to 31 end once on each of the 32 offsets of a 32-byte step; then a blank line and a CRLF line.
        var text = new StringBuilder("# tracer: nop\n");
        for (var i = 0; i < 64; i++)
        {
            text.Append(TaskPrefix).Append("4.950115: custom_event: ").Append(i.ToString("D2", CultureInfo.InvariantCulture)).Append("aaa")
                .Append(i == 40 ? "\r\n\n" : "\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        Assert.Equal(14 + (64 * 71) + 2, bytes.Length);
        var single = Read(bytes, TextReadSettings.SingleThreaded, ParseOptions.Default);
        Assert.Equal(64, single.Events.Count);
        Assert.Equal("40aaa", single.Events[40].Text);
        Assert.Equal("63aaa", single.Events[63].Text);
        foreach (var blockBytes in new[] { 64, 100, 1000, bytes.Length + 1 })
        {
            AssertSame(single, Read(bytes, new TextReadSettings(2, blockBytes), ParseOptions.Default), $"block {blockBytes}");
        }
    }

    [Fact]
    public void A_strict_error_in_a_later_block_comes_after_the_events_before_it_at_its_line()
    {
        var lines = Enumerable.Range(0, 200).Select(i => TaskPrefix + (5 + (i / 1000.0)).ToString("0.000000", CultureInfo.InvariantCulture) + ": binder_write_done: ret=0");
        var text = "# tracer: nop\n" + string.Join('\n', lines) + "\nnot an event\n" + TaskPrefix + "6.000000: binder_write_done: ret=0\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var options = ParseOptions.Default with { Strict = true };
        var single = Read(bytes, TextReadSettings.SingleThreaded, options);
        var error = Assert.IsType<TraceFormatException>(single.Error);
        Assert.Equal(202, error.LineNumber);
        Assert.Equal(Offset(bytes, 202), error.ByteOffset);
        foreach (var blockBytes in new[] { 50, 64, 1000, 4096, 1 << 19 })
        {
            AssertSame(single, Read(bytes, new TextReadSettings(2, blockBytes), options), $"block {blockBytes}");
        }
    }

    [Fact]
    public void A_line_longer_than_a_block_and_than_the_limit_is_skipped_the_same_way()
    {
        var text = "# tracer: nop\n" + TaskPrefix + "4.950115: binder_write_done: ret=0\n" + new string('y', 5000) + "\n"
            + TaskPrefix + "4.950116: binder_write_done: ret=0\n" + new string('z', 3000);
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var limit in new[] { 100, 4000, 1 << 20 })
        {
            var options = ParseOptions.Default with { MaxLineBytes = limit };
            var single = Read(bytes, TextReadSettings.SingleThreaded, options);
            Assert.Equal(2, single.Events.Count);
            foreach (var blockBytes in new[] { 16, 100, 1024, 6000 })
            {
                AssertSame(single, Read(bytes, new TextReadSettings(2, blockBytes), options), $"limit {limit}, block {blockBytes}");
            }
        }
    }

    [Fact]
    public void Systrace_html_and_gzip_read_the_same()
    {
        var html = "<!DOCTYPE html>\n<html>\n<script class=\"trace-data\" type=\"application/text\">\n{\"a\": 1}\n</script>\n"
            + "<script class=\"trace-data\" type=\"application/text\">\n# tracer: nop\n"
            + TaskPrefix + "4.950115: binder_write_done: ret=0\n" + TaskPrefix + "4.950116: binder_read_done: ret=0</script>\n</html>\n";
        var htmlBytes = Encoding.UTF8.GetBytes(html);
        var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(AwkwardTrace("\n")));
        }

        foreach (var bytes in new[] { htmlBytes, gzipped.ToArray() })
        {
            var single = Read(bytes, TextReadSettings.SingleThreaded, ParseOptions.Default);
            Assert.NotEmpty(single.Events);
            foreach (var blockBytes in new[] { 7, 64, 1 << 19 })
            {
                AssertSame(single, Read(bytes, new TextReadSettings(2, blockBytes), ParseOptions.Default), $"block {blockBytes}");
            }
        }
    }

    [Fact]
    public void Reading_in_batches_gives_the_events_reading_one_by_one_gives()
    {
        var bytes = File.ReadAllBytes(RepositoryPaths.SharedCapture("7.3.4+deb13-amd64", "contended"));
        var single = Read(bytes, TextReadSettings.SingleThreaded, ParseOptions.Default);
        using var source = TraceReader.Open(new MemoryStream(bytes), "capture", ParseOptions.Default, new TextReadSettings(2, 8192));
        var batches = Assert.IsAssignableFrom<ITraceEventBatchSource>(source);
        var events = new List<TraceEvent>();
        for (var batch = batches.ReadBatch(); !batch.IsEmpty; batch = batches.ReadBatch())
        {
            events.AddRange(batch.ToArray());
        }

        Assert.Equal(single.Events, events);
        Assert.Equal(single.Diagnostics, Describe(source.Diagnostics));
    }

    public static TheoryData<string> RealBinaryCaptures()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(TraceInput.SharedTraces, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(".dat", StringComparison.Ordinal) || path.EndsWith(".dat.gz", StringComparison.Ordinal) || path.EndsWith(".pftrace.gz", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(TraceInput.SharedTraces, path));
            }
        }

        return data;
    }

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(RealBinaryCaptures))]
    public void Every_binary_capture_reads_the_same_by_batch(string capture)
    {
        var path = Path.Combine(TraceInput.SharedTraces, capture);
        using var oneByOne = TraceReader.Open(path, ParseOptions.Default);
        var expected = TraceInput.ReadAll(oneByOne);
        Assert.True(expected.Count > 1000, $"{capture}: {expected.Count} events");

        // Asked again after the end, a source stays at the end (trace.dat used to start over on CPU 0 and crash).
        Assert.False(oneByOne.TryRead(out _));
        using var source = TraceReader.Open(path, ParseOptions.Default);
        var batches = Assert.IsAssignableFrom<ITraceEventBatchSource>(source);
        var events = new List<TraceEvent>();
        for (var batch = batches.ReadBatch(); !batch.IsEmpty; batch = batches.ReadBatch())
        {
            events.AddRange(batch.ToArray());
        }

        Assert.True(batches.ReadBatch().IsEmpty);
        Assert.Equal(expected, events);
        Assert.Equal(Describe(oneByOne.Diagnostics), Describe(source.Diagnostics));
    }

    [Fact]
    public async System.Threading.Tasks.Task Abandoning_a_source_whose_input_stalls_does_not_hang()
    {
        // More than the 8 KiB the format detection reads before parsing starts.
        var lines = string.Concat(Enumerable.Range(0, 300).Select(i => TaskPrefix + "4.950115: binder_write_done: ret=0\n"));
        using var stall = new ManualResetEventSlim();
        var input = new StallingStream(Encoding.UTF8.GetBytes("# tracer: nop\n" + lines), stall);
        // No re-ordering window: the first event is handed on before the input ends.
        var source = TraceReader.Open(input, "pipe", ParseOptions.Default with { ReorderWindow = 0 }, new TextReadSettings(2, 256));
        // 290 of the 300 events: the rest fit in the blocks in flight, so a worker has read to the stall and waits there.
        for (var i = 0; i < 290; i++)
        {
            Assert.True(source.TryRead(out _));
        }

        var dispose = System.Threading.Tasks.Task.Run(source.Dispose);
        try
        {
            // A TimeoutException here means Dispose waited for input that never came.
            await dispose.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            stall.Set();
        }
    }

    /// <summary>A pipe whose writer goes quiet: its bytes, then reads that wait until <paramref name="release"/> is set.</summary>
    private sealed class StallingStream(byte[] data, ManualResetEventSlim release) : MemoryStream(data)
    {
        // MemoryStream's span overload, in a derived class, comes here too.
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            if (read == 0)
            {
                release.Wait();
            }

            return read;
        }
    }

    /// <summary>Byte offset of the 1-based line <paramref name="line"/>, counted here from the newlines.</summary>
    private static long Offset(byte[] bytes, int line)
    {
        var offset = 0;
        for (var i = 1; i < line; i++)
        {
            offset = Array.IndexOf(bytes, (byte)'\n', offset) + 1;
        }

        return offset;
    }

    private static Outcome Read(byte[] bytes, TextReadSettings settings, ParseOptions options)
    {
        var events = new List<TraceEvent>();
        Exception? error = null;
        using var source = TraceReader.Open(new MemoryStream(bytes), "test.trace", options, settings);
        try
        {
            while (source.TryRead(out var traceEvent))
            {
                events.Add(traceEvent);
            }
        }
        catch (TraceFormatException exception)
        {
            error = exception;
        }

        var info = source.Info;

        // Bytes read when a strict error stops the parse depends on how far the input was read ahead: not compared.
        var diagnostics = Describe(source.Diagnostics);
        if (error is not null)
        {
            diagnostics = diagnostics[diagnostics.IndexOf(" Events=", StringComparison.Ordinal)..];
        }

        return new Outcome(events, error, diagnostics, $"{info.Format} {info.Clock} {info.HeaderCpuCount} {info.Kernel} {info.Compressed}");
    }

    private static string Describe(TraceDiagnostics d) =>
        $"Lines={d.LinesRead} Bytes={d.BytesRead} Events={d.EventsRead} UnparsedLines={d.UnparsedLines} "
        + $"MalformedPayloads={d.MalformedPayloads} Lost={d.LostEventMarkers}/{d.LostEventMarkersWithoutCount}/{d.LostEvents} "
        + $"PerCpu={string.Join(',', d.LostEventsPerCpu)} Reordered={d.ReorderedEvents} Late={d.LateEvents} "
        + $"Truncated={d.Truncated} Damage={d.InputDamage} Samples="
        + string.Concat(d.SkippedSamples.Select(s => $"[{s.LineNumber}@{s.ByteOffset} {s.Reason}: {s.Text}]"));

    private static void AssertSame(Outcome expected, Outcome actual, string what)
    {
        Assert.True(expected.Events.Count == actual.Events.Count, $"{what}: {actual.Events.Count} events, expected {expected.Events.Count}");
        for (var i = 0; i < expected.Events.Count; i++)
        {
            Assert.True(expected.Events[i].Equals(actual.Events[i]), $"{what}: event {i} differs");
        }

        Assert.Equal(expected.Diagnostics, actual.Diagnostics);
        Assert.Equal(expected.Info, actual.Info);
        Assert.Equal(expected.Error?.Message, actual.Error?.Message);
    }

    private sealed record Outcome(List<TraceEvent> Events, Exception? Error, string Diagnostics, string Info);
}
