using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;

namespace BinderTrace.Tests;

public sealed class SimulationTests
{
    private const long Duration = 5_000_000;

    [Theory]
    [InlineData("range-read")]
    [InlineData("range-write")]
    [InlineData("page-write")]
    [InlineData("page-concurrent")]
    [InlineData("fault-deferred")]
    public void Same_seed_gives_identical_bytes_and_another_seed_differs(string design)
    {
        var a = Render(design, 7);
        var b = Render(design, 7);
        var c = Render(design, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Header_matches_the_real_capture_layout()
    {
        var text = System.Text.Encoding.ASCII.GetString(Render("page-write", 1));
        var lines = text.Split('\n');

        // zcat /work/shared/traces/6.12.107+deb13-amd64/light/trace.txt.gz | head -12 (counts line aside).
        Assert.Equal("# tracer: nop", lines[0]);
        Assert.Matches(@"^# entries-in-buffer/entries-written: (\d+)/\1   #P:4$", lines[2]);
        Assert.Equal("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION", lines[10]);
        Assert.Equal("#              | |         |   |||||     |         |", lines[11]);
        // One comment line more than a kernel writes: what produced the trace (design and kernel label), which the
        // text reader takes back as the trace's kernel; every ftrace text reader skips '#' lines.
        Assert.Equal("# bindertrace simulate: design=page-write kernel=6.12.107 kernels=6.8-6.13 workload=light seed=1", lines[12]);
        var count = long.Parse(lines[2].Split(' ')[2].Split('/')[0]);
        Assert.Equal(count, lines.Length - 14);

        // "%16s-%-7d [%03d] flags %5lu.%06lu: " as in "            init-1       [002] .....     4.969021: ".
        Assert.Matches(@"^ {0,15}\S+-\d+ +\[\d{3}\] \.\.\.[.1-9]\.  +\d+\.\d{6}: [a-z_]+: ", lines[13]);
        Assert.Equal(16 + 1 + 7 + 1, lines[13].IndexOf('[', StringComparison.Ordinal));
    }

    [Fact]
    public void Memcg_form_follows_the_design_kernel()
    {
        var old = System.Text.Encoding.ASCII.GetString(Render("page-write", 1, WorkloadPresets.Contended));
        var recent = System.Text.Encoding.ASCII.GetString(Render("page-concurrent", 1, WorkloadPresets.Contended));
        Assert.Contains(" memcg_path=/ write=", old, StringComparison.Ordinal);
        Assert.DoesNotContain("memcg_id=", old, StringComparison.Ordinal);
        Assert.Contains(" memcg_id=1 write=", recent, StringComparison.Ordinal);
        Assert.DoesNotContain("memcg_path=", recent, StringComparison.Ordinal);
    }

    [Fact]
    public void In_memory_stream_reports_the_design_kernel()
    {
        using var source = new SimulatedTraceSource(new SimulationOptions("range-write", WorkloadPresets.Light, 1, Duration));
        Assert.Equal(BinderTrace.Events.TraceFormat.ReferenceAllocator, source.Info.Format);
        Assert.Equal("6.1.192", source.Info.Kernel);
        var n = 0;
        while (source.TryRead(out _))
        {
            n++;
        }

        Assert.True(n > 100, $"only {n} events in 5 ms of the light preset");
    }

    private static byte[] Render(string design, ulong seed, WorkloadSpec? workload = null)
    {
        using var stream = new MemoryStream();
        SimulationTextWriter.Write(new SimulationOptions(design, workload ?? WorkloadPresets.Light, seed, Duration), stream);
        return stream.ToArray();
    }
}
