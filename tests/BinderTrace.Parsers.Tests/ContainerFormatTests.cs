using System.IO.Compression;
using System.Text;
using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>Containers detected by content (FORMATS.md §1.1, §1.6, §1.7), never by file name.</summary>
public class ContainerFormatTests
{
    private const string EventLine = "       binder_wl-272     [003] .....     5.008954: binder_alloc_page_start: proc=268 page_index=0\n";

    private const string KernelTrace =
        "# tracer: nop\n" +
        "#\n" +
        "# entries-in-buffer/entries-written: 1/1   #P:2\n" +
        "#\n" +
        EventLine;

    private static readonly EventHeader ExpectedHeader = new(5_008_954_000, 3, 272, -1, "binder_wl");

    [Fact]
    public void Trace_pipe_has_no_header()
    {
        var (events, source) = Parse(EventLine);
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.Equal(TraceFormat.FtracePipe, source.Info.Format);
        Assert.Null(source.Info.HeaderCpuCount);
        Assert.False(source.Info.Compressed);
    }

    [Fact]
    public void Trace_pipe_starting_with_an_idle_task_is_not_mistaken_for_html()
    {
        var (events, source) = Parse("<idle>-0     [001] d..2.  5.000000: binder_ioctl_done: ret=0\n");
        Assert.Equal("<idle>", Assert.Single(events).Comm);
        Assert.Equal(TraceFormat.FtracePipe, source.Info.Format);
    }

    [Fact]
    public void Gzip_is_recognised_by_its_magic_bytes()
    {
        var (events, source) = ParseBytes(Gzip(Encoding.UTF8.GetBytes(KernelTrace)));
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.Equal(TraceFormat.FtraceText, source.Info.Format);
        Assert.True(source.Info.Compressed);
        Assert.Equal(2, source.Info.HeaderCpuCount);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Atrace_plain_text_after_the_trace_line()
    {
        var (events, source) = Parse("capturing trace... done\nTRACE:\n" + KernelTrace);
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.Equal(TraceFormat.Atrace, source.Info.Format);
        Assert.False(source.Info.Compressed);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Atrace_with_adb_line_ends()
    {
        var (events, source) = Parse(("TRACE:\n" + KernelTrace).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.Equal(TraceFormat.Atrace, source.Info.Format);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Atrace_zlib_stream_after_the_trace_line()
    {
        var zlib = Zlib(Encoding.UTF8.GetBytes(KernelTrace));
        Assert.Equal(0x78, zlib[0]); // RFC 1950 CMF of a 32 KiB deflate window, as atrace -z writes it.
        var (events, source) = ParseBytes([.. "capturing trace... done\nTRACE:\n"u8, .. zlib]);
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.Equal(TraceFormat.Atrace, source.Info.Format);
        Assert.True(source.Info.Compressed);
        Assert.Equal(2, source.Info.HeaderCpuCount);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Systrace_html_takes_the_ftrace_section_only()
    {
        // Shape of catapult's output_generator.py: viewer page, then one trace-data script per agent.
        var html =
            "<!DOCTYPE html>\n<html>\n<head><script>var x = \"<script class=\\\"other\\\">\";</script></head>\n" +
            "<!-- BEGIN TRACE -->\n" +
            "  <script class=\"trace-data\" type=\"application/text\">\n" +
            "{\"traceEvents\": [], \"note\": \"binder_wl-1 [000] 1.0: not: ftrace\"}\n" +
            "  </script>\n" +
            "  <script class=\"trace-data\" type=\"application/text\">\n" +
            KernelTrace +
            "  </script>\n" +
            "  <script class=\"trace-data\" type=\"application/text\">\n" +
            "PROCESS DUMP\nUSER PID PPID VSZ RSS WCHAN PC S NAME\n" +
            "  </script>\n" +
            "<!-- END TRACE -->\n</html>\n";
        var (events, source) = Parse(html);
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.Equal(TraceFormat.SystraceHtml, source.Info.Format);
        Assert.Equal(2, source.Info.HeaderCpuCount);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Systrace_html_section_closed_on_the_last_data_line()
    {
        var html = "<html>\n<script class=\"trace-data\" type=\"application/text\">\n" + EventLine.TrimEnd('\n') + "</script>\n</html>\n";
        var (events, source) = Parse(html);
        Assert.Equal(ExpectedHeader, Assert.Single(events).Header);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Gzipped_trace_cmd_report()
    {
        var (events, source) = ParseBytes(Gzip(Encoding.UTF8.GetBytes("cpus=4\n" + EventLine)));
        Assert.Single(events);
        Assert.Equal(TraceFormat.TraceCmdReport, source.Info.Format);
        Assert.True(source.Info.Compressed);
    }

    [Fact]
    public void Binary_trace_dat_is_detected_by_its_magic_bytes_whatever_its_name()
    {
        // The real trace.dat beside the light 6.12 capture (trace-cmd 3.1.6, file version 7), given a text name.
        var path = Path.Combine(SharedTraces, "6.12.107+deb13-amd64", "light", "trace.dat");
        using var source = BinderTrace.Parsers.TraceReader.Open(new MemoryStream(File.ReadAllBytes(path)), "trace.txt", Lenient);
        Assert.Equal(TraceFormat.TraceDat, source.Info.Format);
        Assert.True(source.TryRead(out _));
    }

    [Fact]
    public void File_name_does_not_matter()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bt-parsers-{Guid.NewGuid():N}.txt");
        File.WriteAllBytes(path, Gzip(Encoding.UTF8.GetBytes(KernelTrace)));
        try
        {
            using var source = BinderTrace.Parsers.TraceReader.Open(path, Lenient);
            Assert.Single(ReadAll(source));
            Assert.True(source.Info.Compressed);
            Assert.Equal(path, source.Info.SourceName);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static (List<TraceEvent> Events, BinderTrace.Events.ITraceEventSource Source) ParseBytes(byte[] bytes)
    {
        var source = Open(bytes);
        return (ReadAll(source), source);
    }
}
