using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Workload;
using BinderTrace.Cli.Commands;
using BinderTrace.Cli.Infrastructure;

namespace BinderTrace.Tests;

public sealed class SimulationInvocationTests
{
    [Theory]
    [InlineData("250ms", 250_000_000)]
    [InlineData("2s", 2_000_000_000)]
    [InlineData("1.5s", 1_500_000_000)]
    [InlineData("500us", 500_000)]
    [InlineData("1000ns", 1_000)]
    public void Durations_parse_with_units(string text, long ns) => Assert.Equal(ns, SimulateCommand.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("-5ms")]
    [InlineData("1.5.5s")]
    [InlineData("10 ms")]
    [InlineData("0s")]
    public void Bad_durations_name_the_option(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => SimulateCommand.ParseDuration(text));
        Assert.Contains("--duration", e.Message, StringComparison.Ordinal);
    }

    /// <summary><c>bindertrace simulate … -d 5 -o x.txt</c>: a bare number once meant 5 s (a 130 MB file); now the message names the fix.</summary>
    [Fact]
    public void A_duration_without_a_unit_is_refused_naming_the_fix()
    {
        var stderr = new StringWriter();
        var path = Path.Combine(Path.GetTempPath(), $"bt-allocator-nounit-{Environment.ProcessId}.txt");

        var code = SimulateCommand.Run("page-write", "light", 1, "5", path, list: false, TextWriter.Null, stderr);

        Assert.Equal(ExitCode.InvalidInput, code);
        Assert.Contains("--duration '5' needs a unit: write 5s", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    /// <summary>
    /// <c>bindertrace simulate -a page-write -w light -s 1 -d 5ms -o x.trace.gz</c> writes gzip (magic 1f 8b, RFC 1952)
    /// whose header names the design and the kernel the design comes from (page-write: the 6.12.107 capture,
    /// traces/README.md), and the reader takes that label back as the trace's kernel (the Parquet kernel column).
    /// </summary>
    [Fact]
    public void Output_named_gz_is_gzip_and_carries_the_kernel_label_through_the_text()
    {
        var folder = Directory.CreateTempSubdirectory("bt-allocator-gz-");
        try
        {
            var path = Path.Combine(folder.FullName, "x.trace.gz");
            Assert.Equal(ExitCode.Ok, SimulateCommand.Run("page-write", "light", 1, "5ms", path, list: false, TextWriter.Null, TextWriter.Null));

            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x1f, 0x8b }, bytes[..2]);
            using var text = new StreamReader(new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress));
            Assert.Contains("\n# bindertrace simulate: design=page-write kernel=6.12.107 kernels=6.8-6.13 workload=light seed=1\n", text.ReadToEnd(), StringComparison.Ordinal);
            using var source = BinderTrace.Parsers.TraceReader.Open(path, new BinderTrace.Events.ParseOptions { Strict = true });
            while (source.TryRead(out _))
            {
            }

            Assert.Equal("6.12.107", source.Info.Kernel);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("x.trace.zst")]
    [InlineData("x.trace.xz")]
    public void Output_named_for_a_compression_simulate_cannot_write_is_refused(string name)
    {
        var stderr = new StringWriter();
        var path = Path.Combine(Path.GetTempPath(), $"bt-allocator-{Environment.ProcessId}-{name}");

        Assert.Equal(ExitCode.InvalidInput, SimulateCommand.Run("page-write", "light", 1, "5ms", path, list: false, TextWriter.Null, stderr));
        Assert.Contains("simulate compresses only to gzip (.gz)", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Unknown_design_is_a_one_line_user_error()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = SimulateCommand.Run("slab", "light", 1, null, "-", list: false, stdout, stderr);
        Assert.Equal(ExitCode.InvalidInput, code);
        Assert.StartsWith("bindertrace simulate: --allocator must be one of range-read, range-write, page-write, page-concurrent, fault-deferred", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_stops_the_run_and_leaves_no_output_behind()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bt-allocator-cancel-{Environment.ProcessId}.txt");
        try
        {
            var stderr = new StringWriter();
            var code = SimulateCommand.Run("page-write", "contended", 1, "1s", path, list: false, TextWriter.Null, stderr, cancellationToken: new CancellationToken(canceled: true));
            Assert.Equal(ExitCode.Cancelled, code);
            Assert.Equal("bindertrace simulate: cancelled", stderr.ToString().Trim());
            Assert.False(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void List_shows_every_design_with_its_kernels_and_every_preset()
    {
        var stdout = new StringWriter();
        Assert.Equal(ExitCode.Ok, SimulateCommand.Run(null, null, 0, null, null, list: true, stdout, TextWriter.Null));
        var text = stdout.ToString();
        foreach (var expected in new[] { "range-read", "6.1.0-6.1.30", "range-write", "6.1.31+", "page-write", "6.8-6.13", "page-concurrent", "6.14+", "fault-deferred", "light", "contended", "reclaim" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Workload_file_overrides_preset_defaults()
    {
        var options = SimulateCommand.Resolve("page-write", RepositoryPaths.Fixture("allocator", "workload-small.json"), 9, "20ms");
        Assert.Equal("small-fixture", options.Workload.Name);
        Assert.Equal(2, options.Workload.Cpus);
        Assert.Equal(3, options.Workload.ClientProcesses);
        Assert.Equal(900, options.Workload.Costs.AllocPageNs);
        Assert.Equal(new CostModel().ZapNs, options.Workload.Costs.ZapNs);
        Assert.Equal(new WorkloadSpec().AppIntervalNs, options.Workload.AppIntervalNs);
        Assert.Equal(new WorkloadSpec().ReplySizes, options.Workload.ReplySizes);
        Assert.Equal(20_000_000, options.EffectiveDurationNs);
    }

    [Fact]
    public void Two_server_processes_both_receive_transactions()
    {
        var options = SimulateCommand.Resolve("page-concurrent", RepositoryPaths.Fixture("allocator", "workload-small.json"), 9, "20ms");
        Assert.Equal(2, options.Workload.ServerProcesses);
        var targets = new HashSet<int>();
        using var source = new SimulatedTraceSource(options);
        while (source.TryRead(out var e))
        {
            if (e.Kind == BinderTrace.Events.EventKind.BinderTransaction && e.Transaction.Reply == 0)
            {
                targets.Add(e.Transaction.ToProc);
            }
        }

        // Server tgids are 1000 and 1100 (AllocatorSimulation: first server 1000, stride 100).
        Assert.Equal([1000, 1100], targets.Order());
    }

    [Fact]
    public void Workload_file_with_an_unknown_field_names_file_and_position()
    {
        var e = Assert.Throws<InvalidDataException>(() => SimulateCommand.Resolve("page-write", RepositoryPaths.Fixture("allocator", "workload-unknown-field.json"), 1, null));
        Assert.Contains("workload-unknown-field.json: line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulation_writes_a_file_and_reports_a_summary()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bt-allocator-{Environment.ProcessId}.txt");
        try
        {
            var stderr = new StringWriter();
            Assert.Equal(ExitCode.Ok, SimulateCommand.Run("fault-deferred", "light", 2, "5ms", path, list: false, TextWriter.Null, stderr));
            Assert.StartsWith("# tracer: nop\n", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Contains("fault-deferred", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
