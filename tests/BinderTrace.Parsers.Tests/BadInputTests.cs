using System.Text;
using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>Bad input never crashes: lenient mode counts and keeps evidence, strict mode throws with the position.</summary>
public class BadInputTests
{
    private const string Good = "       binder_wl-268     [000] .....     1.000000: binder_ioctl_done: ret=0\n";

    [Fact]
    public void Unparsable_lines_are_counted_with_their_line_number_and_offset()
    {
        var text = Good + "garbage here\n" + Good + "func_tracer_line <-parent\n";
        var (events, source) = Parse(text);
        Assert.Equal(2, events.Count);
        var d = source.Diagnostics;
        Assert.Equal(2, d.UnparsedLines);
        Assert.Equal(new SkippedLine(2, Good.Length, d.SkippedSamples[0].Reason, "garbage here"), d.SkippedSamples[0]);
        Assert.Equal(4, d.SkippedSamples[1].LineNumber);
        Assert.Equal((2 * Good.Length) + "garbage here\n".Length, d.SkippedSamples[1].ByteOffset);
        Assert.False(d.IsClean);
    }

    [Fact]
    public void Only_the_first_few_bad_lines_are_kept_as_samples()
    {
        var text = "# tracer: nop\n" + string.Concat(Enumerable.Repeat("nonsense\n", 50));
        var (_, source) = Parse(text);
        Assert.Equal(50, source.Diagnostics.UnparsedLines);
        Assert.Equal(TraceDiagnostics.MaxSkippedSamples, source.Diagnostics.SkippedSamples.Count);
    }

    [Fact]
    public void Strict_mode_throws_on_the_first_bad_line_naming_source_line_and_offset()
    {
        var source = Open(Good + "garbage here\n", Strict);
        var error = Assert.Throws<TraceFormatException>(() => ReadAll(source));
        Assert.Equal("test.trace", error.SourceName);
        Assert.Equal(2, error.LineNumber);
        Assert.Equal(Good.Length, error.ByteOffset);
        Assert.Contains("expected an event line", error.Problem);
    }

    [Fact]
    public void Missing_final_newline_marks_the_trace_truncated_and_keeps_what_came_before()
    {
        var (events, source) = Parse(Good + Good + "       binder_wl-268     [000] .....     1.000002: binder_alloc_page_start: proc=26");
        Assert.Equal(2, events.Count);
        Assert.True(source.Diagnostics.Truncated);
        Assert.Equal(0, source.Diagnostics.UnparsedLines);
        Assert.Equal(0, source.Diagnostics.MalformedPayloads);
        Assert.Equal(2, source.Diagnostics.EventsRead);
    }

    [Fact]
    public void Cut_gzip_stream_ends_cleanly_as_truncated()
    {
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"       binder_wl-268     [000] .....     1.{i:D6}: binder_ioctl_done: ret={i}\n"));
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        var cut = gzip.AsSpan(0, gzip.Length / 2).ToArray();
        var source = Open(cut, Strict);
        var events = ReadAll(source);
        Assert.True(source.Diagnostics.Truncated);
        Assert.True(source.Info.Compressed);
        Assert.InRange(events.Count, 1, 1999);
        // Everything handed out is a complete, correct line: ret equals the line index.
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(i, events[i].ReturnValue);
        }
    }

    [Fact]
    public void Gzip_cut_before_its_first_line_is_no_trace_and_says_it_was_cut()
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => $"       binder_wl-268     [000] .....     1.{i:D6}: binder_ioctl_done: ret={i}\n"));
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        var source = Open(gzip.AsSpan(0, gzip.Length / 10).ToArray());

        var error = Assert.Throws<TraceFormatException>(() => ReadAll(source));

        Assert.Contains("no trace events found", error.Message, StringComparison.Ordinal);
        Assert.Contains("cut short", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    public void Cut_gzip_of_a_small_trace_is_truncated_whatever_the_cut(int percent)
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => $"       binder_wl-268     [000] .....     1.{i:D6}: binder_ioctl_done: ret={i}\n"));
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(text));
        var source = Open(gzip.AsSpan(0, gzip.Length * percent / 100).ToArray(), Strict);
        var events = ReadAll(source);
        Assert.True(source.Diagnostics.Truncated);
        Assert.True(events.Count < 40);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.ReturnValue));
    }

    [Fact]
    public void Gzip_cut_inside_its_trailer_is_truncated_although_every_line_is_complete()
    {
        // All deflate data is there, so every line decodes with its newline; only the 8-byte trailer is short.
        var gzip = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(Good + Good));
        var source = Open(gzip.AsSpan(0, gzip.Length - 4).ToArray());
        Assert.Equal(2, ReadAll(source).Count);
        Assert.True(source.Diagnostics.Truncated);
    }

    [Fact]
    public void Concatenated_gzip_members_are_one_complete_trace()
    {
        var first = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(Good + Good + Good));
        var second = ContainerFormatTests.Gzip(Encoding.UTF8.GetBytes(Good));
        var source = Open([.. first, .. second]);
        Assert.Equal(4, ReadAll(source).Count);
        Assert.False(source.Diagnostics.Truncated);
    }

    [Fact]
    public void Overlong_line_is_skipped_without_buffering_it_in_lenient_mode()
    {
        var options = new ParseOptions { MaxLineBytes = 200 };
        var huge = new string('x', 5000);
        var (events, source) = Parse(Good + huge + "\n" + Good, options);
        Assert.Equal(2, events.Count);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        var sample = source.Diagnostics.SkippedSamples[0];
        Assert.Equal(2, sample.LineNumber);
        Assert.Equal(Good.Length, sample.ByteOffset);
        Assert.Equal(3, source.Diagnostics.LinesRead);
    }

    [Fact]
    public void Overlong_line_at_the_very_end_without_newline_is_counted_and_truncated()
    {
        var options = new ParseOptions { MaxLineBytes = 100 };
        var (events, source) = Parse(Good + new string('y', 100_000), options);
        Assert.Single(events);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.True(source.Diagnostics.Truncated);
    }

    [Fact]
    public void Overlong_line_in_strict_mode_is_an_error_naming_the_limit()
    {
        var options = new ParseOptions { MaxLineBytes = 100, Strict = true };
        var source = Open(Good + new string('x', 150) + "\n", options);
        var error = Assert.Throws<TraceFormatException>(() => ReadAll(source));
        Assert.Equal(2, error.LineNumber);
        Assert.Contains("100", error.Problem);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted()
    {
        var options = new ParseOptions { MaxLineBytes = Good.Length - 1 };
        var (events, source) = Parse(Good, options);
        Assert.Single(events);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Endless_line_from_a_stream_does_not_grow_memory()
    {
        // 64 MiB without a newline, generated lazily; with a 1 MiB limit the reader must not hold it.
        var options = new ParseOptions { MaxLineBytes = 1 << 20 };
        using var source = BinderTrace.Parsers.TraceReader.Open(new EndlessStream(64L << 20), "endless", options);
        var before = GC.GetAllocatedBytesForCurrentThread();
        // One endless line is no trace: the reader says so at the end, having held at most its limit.
        var error = Assert.Throws<TraceFormatException>(() => source.TryRead(out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("no trace events found", error.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 8L << 20);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.True(source.Diagnostics.Truncated);
        Assert.Equal(64L << 20, source.Diagnostics.BytesRead);
    }

    [Fact]
    public void Diagnostics_count_lines_bytes_and_events()
    {
        var text = "# tracer: nop\n" + Good + "bad\n" + Good;
        var (_, source) = Parse(text);
        Assert.Equal(4, source.Diagnostics.LinesRead);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), source.Diagnostics.BytesRead);
        Assert.Equal(2, source.Diagnostics.EventsRead);
    }

    private sealed class EndlessStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            buffer[..n].Fill((byte)'z');
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
