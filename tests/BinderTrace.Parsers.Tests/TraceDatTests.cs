using System.IO.Compression;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>
/// trace.dat edges on files built by <see cref="TraceDatWriter"/> from the documented layout. Expected
/// timestamps are hand sums of the page timestamp and the deltas written, as the comments show.
/// </summary>
public class TraceDatTests
{
    private const int Page = 4096;

    public static TheoryData<int, string> Containers => new() { { 6, "none" }, { 7, "none" }, { 7, "zlib" }, { 7, "zstd" } };

    internal static (List<TraceEvent> Events, ITraceEventSource Source) Read(byte[] file, ParseOptions? options = null)
    {
        var source = TraceReader.Open(new MemoryStream(file), "test.dat", options ?? TraceInput.Lenient);
        return (TraceInput.ReadAll(source), source);
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public void Short_and_long_records_give_typed_and_generic_events_in_every_container(int version, string compression)
    {
        var writer = new TraceDatWriter { Version = version, Compression = compression };
        writer.Cmdlines[42] = "binder_wl";
        writer.Cpus.Add([new TestPage(Page, 1000)
            .Event(5, TraceDatWriter.PagePayload(42, 7, 3))
            .Event(10, TraceDatWriter.DemoPayload(43, -5, "hello"), longForm: true)
            .ToArray()]);

        var (events, source) = Read(writer.Build(), TraceInput.Strict);

        Assert.Equal(TraceFormat.TraceDat, source.Info.Format);
        Assert.Equal(2, events.Count);
        Assert.Equal(EventKind.BinderAllocPageStart, events[0].Kind);
        Assert.Equal(new PageEvent(7, 3), events[0].Page);
        Assert.Equal(1005, events[0].Timestamp);               // 1000 + 5
        Assert.Equal(("binder_wl", 42, 0), (events[0].Comm, events[0].Pid, events[0].Cpu));
        Assert.Equal(EventKind.Generic, events[1].Kind);
        Assert.Equal("demo_event", events[1].Name);
        Assert.Equal("value=-5 label=hello", events[1].Text);
        Assert.Equal(1015, events[1].Timestamp);               // 1005 + 10
        Assert.Equal("<...>", events[1].Comm);                  // pid 43 is not in the cmdlines table
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Time_extend_adds_a_delta_wider_than_27_bits()
    {
        var writer = new TraceDatWriter();
        writer.Cpus.Add([new TestPage(Page, 1000).TimeExtend(1UL << 35).Event(7, TraceDatWriter.PagePayload(1, 1, 1)).ToArray()]);

        var (events, _) = Read(writer.Build());

        Assert.Equal(1000 + (1L << 35) + 7, Assert.Single(events).Timestamp);
    }

    [Fact]
    public void Absolute_timestamp_replaces_the_running_time()
    {
        var writer = new TraceDatWriter();
        writer.Cpus.Add([new TestPage(Page, 1000).Event(1, TraceDatWriter.PagePayload(1, 1, 1))
            .AbsoluteTime(5_000_000_000).Event(3, TraceDatWriter.PagePayload(1, 1, 2)).ToArray()]);

        var (events, _) = Read(writer.Build());

        Assert.Equal([1001L, 5_000_000_003L], events.Select(e => e.Timestamp));
    }

    [Fact]
    public void Discarded_record_is_skipped_with_its_delta_and_null_padding_ends_the_page()
    {
        var writer = new TraceDatWriter();
        writer.Cpus.Add([
            new TestPage(Page, 100).Discarded(20, 28).Event(1, TraceDatWriter.PagePayload(1, 1, 1))
                .NullPadding().Event(1, TraceDatWriter.PagePayload(1, 1, 99)).ToArray(),
            new TestPage(Page, 500).Event(2, TraceDatWriter.PagePayload(1, 1, 2)).ToArray(),
        ]);

        var (events, source) = Read(writer.Build());

        // 100 + 20 (discarded) + 1; the event after the null padding is never read; next page 500 + 2.
        Assert.Equal([(121L, 1L), (502L, 2L)], events.Select(e => (e.Timestamp, e.Page.PageIndex)));
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Record_that_ends_exactly_at_the_page_end_is_read_and_the_next_page_follows()
    {
        // A 64-byte page holds 48 data bytes: one 44-byte record (type_len 11) plus its 4-byte header.
        var writer = new TraceDatWriter { PageSize = 64 };
        var payload = new byte[44];
        TraceDatWriter.PagePayload(1, 1, 5).CopyTo(payload, 0);
        var first = new TestPage(64, 10).Event(1, payload);
        Assert.Equal(48, first.Used);
        writer.Cpus.Add([first.ToArray(), new TestPage(64, 20).Event(1, TraceDatWriter.PagePayload(1, 1, 6)).ToArray()]);

        var (events, source) = Read(writer.Build(), TraceInput.Strict);

        Assert.Equal([(11L, 5L), (21L, 6L)], events.Select(e => (e.Timestamp, e.Page.PageIndex)));
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Missed_events_flag_gives_a_lost_events_marker_with_or_without_a_count()
    {
        var writer = new TraceDatWriter();
        writer.Cpus.Add([new TestPage(Page, 100).Event(1, TraceDatWriter.PagePayload(1, 1, 1)).ToArray()]);
        writer.Cpus.Add([
            new TestPage(Page, 200).Missed(17).Event(1, TraceDatWriter.PagePayload(2, 1, 2)).ToArray(),
            new TestPage(Page, 300).Missed(null).Event(1, TraceDatWriter.PagePayload(2, 1, 3)).ToArray(),
        ]);

        var (events, source) = Read(writer.Build());

        Assert.Equal(
            [(EventKind.BinderAllocPageStart, 101L, 0), (EventKind.LostEvents, 200L, 1), (EventKind.BinderAllocPageStart, 201L, 1),
             (EventKind.LostEvents, 300L, 1), (EventKind.BinderAllocPageStart, 301L, 1)],
            events.Select(e => (e.Kind, e.Timestamp, e.Cpu)));
        Assert.Equal(17, events[1].LostCount);
        Assert.Equal(-1, events[3].LostCount);
        Assert.Equal(2, source.Diagnostics.LostEventMarkers);
        Assert.Equal(1, source.Diagnostics.LostEventMarkersWithoutCount);
        Assert.Equal(17, source.Diagnostics.LostEventsPerCpu[1]);
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public void Cpus_are_merged_by_timestamp_and_an_empty_cpu_is_fine(int version, string compression)
    {
        var writer = new TraceDatWriter { Version = version, Compression = compression };
        writer.Cpus.Add([
            new TestPage(Page, 10).Event(0, TraceDatWriter.PagePayload(1, 1, 1)).Event(20, TraceDatWriter.PagePayload(1, 1, 3)).ToArray(),
            new TestPage(Page, 100).Event(0, TraceDatWriter.PagePayload(1, 1, 5)).ToArray(),
            new TestPage(Page, 200).Event(0, TraceDatWriter.PagePayload(1, 1, 6)).ToArray(),
        ]);
        writer.Cpus.Add([]);
        writer.Cpus.Add([new TestPage(Page, 20).Event(0, TraceDatWriter.PagePayload(2, 1, 2)).Event(40, TraceDatWriter.PagePayload(2, 1, 4)).ToArray()]);

        var (events, source) = Read(writer.Build(), TraceInput.Strict);

        // cpu0: 10, 30, 100, 200; cpu2: 20, 60.
        Assert.Equal([(10L, 0), (20L, 2), (30L, 0), (60L, 2), (100L, 0), (200L, 0)], events.Select(e => (e.Timestamp, e.Cpu)));
        Assert.Equal([1L, 2, 3, 4, 5, 6], events.Select(e => e.Page.PageIndex));
        Assert.Equal(3, source.Info.HeaderCpuCount);
        Assert.Equal(compression != "none", source.Info.Compressed);
    }

    [Fact]
    public void Other_buffer_instances_are_named_and_only_the_top_one_is_read()
    {
        var writer = new TraceDatWriter { OtherInstance = "second" };
        writer.Cpus.Add([new TestPage(Page, 10).Event(0, TraceDatWriter.PagePayload(1, 1, 1)).ToArray()]);

        var (events, source) = Read(writer.Build(), TraceInput.Strict);

        Assert.Single(events);
        Assert.Equal(["second"], source.Info.OtherInstances);
    }

    [Fact]
    public void Gzipped_trace_dat_read_from_a_pipe_is_detected_by_content()
    {
        var writer = new TraceDatWriter { Compression = "zstd" };
        writer.Cpus.Add([new TestPage(Page, 10).Event(0, TraceDatWriter.PagePayload(1, 1, 1)).ToArray()]);
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(writer.Build());
        }

        var (events, source) = Read(gz.ToArray(), TraceInput.Strict);

        Assert.Single(events);
        Assert.Equal(TraceFormat.TraceDat, source.Info.Format);
        Assert.True(source.Info.Compressed);
    }

    [Fact]
    public void A_file_opened_by_path_is_read_in_place()
    {
        var writer = new TraceDatWriter();
        writer.Cpus.Add([new TestPage(Page, 10).Event(0, TraceDatWriter.PagePayload(1, 1, 1)).ToArray()]);
        var path = Path.Combine(Path.GetTempPath(), $"bindertrace-{Guid.NewGuid():N}.dat");
        File.WriteAllBytes(path, writer.Build());
        try
        {
            using var source = TraceReader.Open(path, TraceInput.Strict);
            Assert.Single(TraceInput.ReadAll(source));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
