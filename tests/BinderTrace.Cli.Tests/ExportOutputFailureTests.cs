using BinderTrace.Cli.Infrastructure;
using BinderTrace.Export;

namespace BinderTrace.Tests;

/// <summary>
/// Issue 12's table: a Parquet file that cannot be written (disk full) is exit 74, output failed, with the file and
/// the reason on one line; before, it surfaced as an unexpected failure, exit 70.
/// </summary>
public sealed class ExportOutputFailureTests
{
    private static readonly ExportWriteException DiskFull = new("/data/out/events.parquet", new IOException("No space left on device"));

    [Fact]
    public void A_full_disk_under_an_export_file_is_code_74_naming_the_file()
    {
        var error = new StringWriter();

        Assert.Equal(74, UnexpectedFailure.Report(DiskFull, error, verbose: false));
        Assert.Equal("bindertrace: cannot write the output: /data/out/events.parquet: No space left on device", error.ToString().Trim());
    }

    [Fact]
    public void It_stays_74_when_a_worker_thread_hands_it_over_wrapped()
    {
        var error = new StringWriter();

        Assert.Equal(74, UnexpectedFailure.Report(new AggregateException(DiskFull), error, verbose: false));
        Assert.Contains("/data/out/events.parquet: No space left on device", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_io_error_that_is_not_the_output_is_still_a_bug_to_report()
    {
        Assert.Equal(70, UnexpectedFailure.Report(new IOException("Input/output error"), new StringWriter(), verbose: false));
    }
}
