using System.Text;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 16, what a Spark user types: <c>bindertrace export T -o DIR --timestamps micros</c>. The values are checked by
/// four readers in BinderTrace.Export.Tests (MicrosTimestampExportTests); here, that the option reaches the writer.
/// </summary>
public sealed class ExportTimestampsOptionTests : IDisposable
{
    private static readonly string Fixture = RepositoryPaths.Fixture("ftrace", "6.12.107+deb13-amd64-light.trace.txt.gz");

    private readonly string _output = Path.Combine(Path.GetTempPath(), $"bindertrace-export-ts-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void Micros_adds_a_microsecond_column_beside_each_time_and_nanos_is_the_default()
    {
        var micros = CliRun.Invoke("export", Fixture, "-o", Path.Combine(_output, "micros"), "--tables", "mmap_lock_holds", "--timestamps", "micros");
        var nanos = CliRun.Invoke("export", Fixture, "-o", Path.Combine(_output, "nanos"), "--tables", "mmap_lock_holds");

        Assert.Equal((0, 0), (micros.ExitCode, nanos.ExitCode));
        // Column names sit in the footer as plain Thrift strings.
        var withMicros = File.ReadAllBytes(Path.Combine(_output, "micros", "mmap_lock_holds.parquet"));
        var withNanos = File.ReadAllBytes(Path.Combine(_output, "nanos", "mmap_lock_holds.parquet"));
        Assert.True(Holds(withMicros, "start_us") && Holds(withMicros, "end_us") && Holds(withMicros, "start_ns"));
        Assert.False(Holds(withNanos, "start_us") || Holds(withNanos, "end_us"));
    }

    [Fact]
    public void An_unknown_unit_is_a_usage_error_listing_the_choices()
    {
        var result = CliRun.Invoke("export", Fixture, "-o", _output, "--timestamps", "millis");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nanos", result.Error, StringComparison.Ordinal);
        Assert.Contains("micros", result.Error, StringComparison.Ordinal);
    }

    private static bool Holds(byte[] file, string name) => file.AsSpan().IndexOf(Encoding.ASCII.GetBytes(name)) >= 0;
}
