using System.Text;

namespace BinderTrace.Tests;

public sealed class ExportCommandTests
{
    [Fact]
    public void The_footer_names_the_digest_of_the_file_that_was_exported()
    {
        var fixture = RepositoryPaths.Fixture("ftrace", "6.12.107+deb13-amd64-light.trace.txt.gz");
        var output = Path.Combine(Path.GetTempPath(), $"bindertrace-export-{Guid.NewGuid():N}");
        try
        {
            var result = CliRun.Invoke("export", fixture, "-o", output, "--tables", "summary");

            Assert.Equal(0, result.ExitCode);
            // Parquet footers keep key/value metadata as plain Thrift strings, so the digest is visible in the bytes.
            var bytes = File.ReadAllBytes(Path.Combine(output, "summary.parquet"));
            // sha256sum fixtures/ftrace/6.12.107+deb13-amd64-light.trace.txt.gz
            var expected = "sha256:611abb9821ea9b15332d8448c8ba1610b72b17567c6ba40db3e5b1be03c1391a"u8.ToArray();
            Assert.True(bytes.AsSpan().IndexOf(expected) >= 0, "digest not found in " + Encoding.ASCII.GetString(bytes[^600..]));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
