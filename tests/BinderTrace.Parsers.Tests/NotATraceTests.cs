using System.Text;
using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>Issue 12 item 6: input that is not a trace is an error saying what it looks like; xz and zstd text is read.</summary>
public class NotATraceTests
{
    private const string Event = "       binder_wl-268     [000] .....     1.000000: binder_ioctl_done: ret=0\n";

    public static TheoryData<byte[], string> Foreign => new()
    {
        { [], "empty" },
        { Encoding.UTF8.GetBytes("\n\n  \n"), "blank" },
        { Encoding.UTF8.GetBytes("""{"schema": 1, "pages": {}}"""), "a JSON document" },
        { Encoding.UTF8.GetBytes("""{"gates": [{"metric": "pages.installs", "max_increase": "10%"}]}"""), "a JSON gate file" },
        { Encoding.UTF8.GetBytes("""{"traceEvents": []}"""), "a Chrome JSON trace" },
        { Encoding.UTF8.GetBytes("hello\nworld\n"), "text without ftrace event lines" },
    };

    public static TheoryData<byte[], string> Binary => new()
    {
        // ELF: e_ident starts 7F 'E' 'L' 'F' (elf(5)); then class, data, version.
        { [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, (byte)'\n'], "an ELF binary" },
        { [(byte)'P', (byte)'K', 3, 4, 20, 0, (byte)'\n'], "a zip archive" },
        { [(byte)'a', 0, (byte)'b', 0x1B, (byte)'[', (byte)'2', (byte)'J', (byte)'\n'], "binary data" },
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public void Text_that_holds_no_trace_is_an_error_saying_what_it_looks_like(byte[] input, string looksLike)
    {
        var source = Open(input);

        var error = Assert.Throws<TraceFormatException>(() => ReadAll(source));

        Assert.Equal("test.trace", error.SourceName);
        Assert.StartsWith("no trace events found in test.trace: it looks like " + looksLike, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Binary))]
    public void Binary_input_is_refused_when_opened_so_its_bytes_never_reach_a_terminal(byte[] input, string looksLike)
    {
        var error = Assert.Throws<TraceFormatException>(() => Open(input));

        Assert.Contains("it looks like " + looksLike, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kernel_trace_file_without_events_is_an_empty_trace_not_an_error()
    {
        // What /sys/kernel/tracing/trace holds with nothing recorded: the header only.
        var (events, source) = Parse("# tracer: nop\n#\n# entries-in-buffer/entries-written: 0/0   #P:4\n#\n");

        Assert.Empty(events);
        Assert.Equal(4, source.Info.HeaderCpuCount);
    }

    [Fact]
    public void A_trace_cmd_report_of_empty_cpus_is_an_empty_trace_not_an_error()
    {
        var (events, _) = Parse("cpus=2\nCPU 0 is empty\nCPU 1 is empty\n");

        Assert.Empty(events);
    }

    [Fact]
    public void A_trace_of_only_lost_events_is_still_a_trace()
    {
        var (events, source) = Parse("CPU:1 [LOST 5 EVENTS]\n");

        Assert.Equal(EventKind.LostEvents, Assert.Single(events).Kind);
        Assert.Equal(5, source.Diagnostics.LostEvents);
    }

    [Fact]
    public void Control_characters_in_an_unparsed_line_are_not_kept_in_its_sample()
    {
        var (_, source) = Parse(Event + "\u001b[2Jgarbage\u0007\n");

        Assert.Equal("?[2Jgarbage?", Assert.Single(source.Diagnostics.SkippedSamples).Text);
    }

    [Theory]
    [InlineData("6.12.107+deb13-amd64-light.trace.txt.xz")]
    [InlineData("6.12.107+deb13-amd64-light.trace.txt.zst")]
    public void Xz_and_zstd_compressed_text_is_read_like_gzip(string fixture)
    {
        using var source = BinderTrace.Parsers.TraceReader.Open(Fixture(fixture), Lenient);
        var events = ReadAll(source);

        // The same text as the .gz fixture: zcat … | grep -vc '^#' -> 7796; zcat … | grep -c ' binder_alloc_page_start:' -> 96.
        Assert.Equal(7796, events.Count);
        Assert.Equal(96, events.Count(e => e.Kind == EventKind.BinderAllocPageStart));
        Assert.True(source.Info.Compressed);
        Assert.Equal(TraceFormat.FtraceText, source.Info.Format);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Theory]
    [InlineData("6.12.107+deb13-amd64-light.trace.txt.xz", "xz")]
    [InlineData("6.12.107+deb13-amd64-light.trace.txt.zst", "zstd")]
    public void Cut_xz_and_zstd_keep_what_was_decoded_and_say_what_is_damaged(string fixture, string format)
    {
        var bytes = File.ReadAllBytes(Fixture(fixture));
        var source = Open(bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var events = ReadAll(source);

        Assert.InRange(events.Count, 1, 7795);
        Assert.True(source.Diagnostics.Truncated);
        Assert.Contains($"the {format} data is damaged or cut", source.Diagnostics.InputDamage, StringComparison.Ordinal);
    }
}
