using System.Buffers.Binary;
using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers.TraceDat;

namespace BinderTrace.Tests;

/// <summary>Damaged trace.dat files: a clear error naming file, section and byte offset, never a crash.</summary>
public class TraceDatBadInputTests
{
    private const int Page = 4096;

    private static TraceDatWriter ThreePagesOnOneCpu(int version = 7, string compression = "zstd", int pagesPerChunk = 1)
    {
        var writer = new TraceDatWriter { Version = version, Compression = compression, PagesPerChunk = pagesPerChunk };
        writer.Cpus.Add([
            new TestPage(Page, 100).Event(1, TraceDatWriter.PagePayload(1, 1, 1)).ToArray(),
            new TestPage(Page, 200).Event(1, TraceDatWriter.PagePayload(1, 1, 2)).ToArray(),
            new TestPage(Page, 300).Event(1, TraceDatWriter.PagePayload(1, 1, 3)).ToArray(),
        ]);
        return writer;
    }

    private static long SecondChunkOffset(byte[] file, long firstChunk) =>
        firstChunk + 8 + BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)firstChunk));

    [Fact]
    public void Bad_magic_is_an_error_at_byte_zero()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bindertrace-{Guid.NewGuid():N}.dat");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("not a trace.dat file at all"));
        try
        {
            var handle = File.OpenHandle(path);
            var e = Assert.Throws<TraceFormatException>(() => TraceDatSource.Open(handle, handle, path, ParseOptions.Default));
            Assert.Equal(0, e.ByteOffset);
            Assert.Contains("bad magic", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unsupported_file_version_is_named()
    {
        var file = ThreePagesOnOneCpu().Build();
        file[10] = (byte)'9';

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file));
        Assert.Contains("file version '9'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_section_id_names_the_section_and_its_offset()
    {
        var writer = ThreePagesOnOneCpu();
        var file = writer.Build();
        var headerInfo = (int)writer.Boundaries[0];
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(headerInfo), 77);

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file));
        Assert.Equal(headerInfo, e.ByteOffset);
        Assert.Contains("section HEADER_INFO", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown section id 77", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_compression_algorithm_is_named()
    {
        var file = ThreePagesOnOneCpu(compression: "zlib").Build();
        "lzma"u8.CopyTo(file.AsSpan(18)); // the name follows the initial header: 10 magic, "7\0", 2 bytes, u32 page size

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file));
        Assert.Contains("unknown compression algorithm 'lzma'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unparsable_format_text_is_an_error_naming_the_event_formats()
    {
        var writer = new TraceDatWriter { Compression = "none", DemoFormat = "name: demo_event\nID: twelve\n" };
        writer.Cpus.Add([]);

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(writer.Build()));
        Assert.Contains("event formats", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad ID line 'ID: twelve'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_zstd_chunk_keeps_the_events_before_it_in_lenient_mode_and_fails_in_strict_mode()
    {
        var writer = ThreePagesOnOneCpu();
        var file = writer.Build();
        var second = SecondChunkOffset(file, writer.FirstChunkOffsets[0]);
        file[second + 8] ^= 0xFF; // the zstd frame's magic
        file[second + 9] ^= 0xFF;

        var (events, source) = TraceDatTests.Read(file);
        Assert.Equal([1L, 3L], events.Select(e => e.Page.PageIndex)); // the third chunk still decodes
        Assert.Equal(SecondChunkSize(file, second), source.Diagnostics.LostDataBytes); // its 8-byte header and its frame
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.False(source.Diagnostics.IsClean);

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file, TraceInput.Strict));
        Assert.Equal(second, e.ByteOffset);
        Assert.Contains("section BUFFER (flyrecord) cpu 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt zstd block", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunk_size_past_the_end_of_the_file_keeps_earlier_chunks_and_reports_truncation()
    {
        var writer = ThreePagesOnOneCpu();
        var file = writer.Build();
        var second = SecondChunkOffset(file, writer.FirstChunkOffsets[0]);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)second), 1u << 30);

        var (events, source) = TraceDatTests.Read(file);
        Assert.Equal([1L], events.Select(e => e.Page.PageIndex));
        Assert.True(source.Diagnostics.Truncated);
        Assert.Equal(file.Length - second, source.Diagnostics.LostDataBytes);

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file, TraceInput.Strict));
        Assert.Equal(second, e.ByteOffset);
        Assert.Contains("runs past the end of the file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_with_an_impossible_commit_is_skipped_and_counted()
    {
        var writer = ThreePagesOnOneCpu(version: 6, compression: "none");
        var file = writer.Build();
        var cpuData = (int)writer.Boundaries[^1];
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(cpuData + Page + 8), 5000); // page 2's commit > 4080

        var (events, source) = TraceDatTests.Read(file);
        Assert.Equal([1L, 3L], events.Select(e => e.Page.PageIndex));
        Assert.Equal(Page, source.Diagnostics.LostDataBytes);

        var e = Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file, TraceInput.Strict));
        Assert.Equal(cpuData + Page, e.ByteOffset);
    }

    [Fact]
    public void Record_of_an_unknown_event_id_is_counted_and_the_rest_kept()
    {
        var unknown = TraceDatWriter.PagePayload(1, 1, 9);
        unknown[0] = 250;
        var writer = new TraceDatWriter();
        writer.Cpus.Add([new TestPage(Page, 10).Event(1, unknown).Event(1, TraceDatWriter.PagePayload(1, 1, 2)).ToArray()]);

        var (events, source) = TraceDatTests.Read(writer.Build());
        Assert.Equal([2L], events.Select(e => e.Page.PageIndex));
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.Contains("event id 250", source.Diagnostics.SkippedSamples[0].Reason, StringComparison.Ordinal);
    }

    public static TheoryData<int, string> Layouts => new() { { 6, "none" }, { 7, "none" }, { 7, "zstd" } };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void File_cut_at_every_section_boundary_gives_a_clear_error_or_the_events_before_the_cut(int version, string compression)
    {
        var writer = ThreePagesOnOneCpu(version, compression);
        var whole = writer.Build();
        foreach (var cut in writer.Boundaries.Append(whole.Length - 1).Append(Math.Max(writer.Boundaries[0], whole.Length - (Page / 2))))
        {
            var file = whole.AsSpan(0, (int)cut).ToArray();
            try
            {
                var (events, source) = TraceDatTests.Read(file);
                // Only a v6 file cut inside its page data still has its metadata: the pages before the cut survive.
                Assert.Equal(6, version);
                Assert.True(source.Diagnostics.Truncated, $"cut at {cut}");
                Assert.True(source.Diagnostics.LostDataBytes > 0, $"cut at {cut}");
                Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Page.PageIndex));
                Assert.Throws<TraceFormatException>(() => TraceDatTests.Read(file, TraceInput.Strict));
            }
            catch (TraceFormatException e)
            {
                Assert.Contains("test.dat", e.Message, StringComparison.Ordinal);
                Assert.InRange(e.ByteOffset, 0, whole.Length);
            }
        }
    }

    private static long SecondChunkSize(byte[] file, long second) => 8 + BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)second));
}
