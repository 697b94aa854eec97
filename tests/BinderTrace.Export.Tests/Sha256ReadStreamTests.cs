using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

public sealed class Sha256ReadStreamTests
{
    [Fact]
    public void Hashing_on_the_way_through_the_parser_gives_the_file_digest()
    {
        var path = RepositoryPaths.Fixture("ftrace", "6.12.107+deb13-amd64-light.trace.txt.gz");
        var hashing = new Sha256ReadStream(File.OpenRead(path));
        using (var source = TraceReader.Open(hashing, path, ParseOptions.Default))
        {
            while (source.TryRead(out _))
            {
            }

            // sha256sum fixtures/ftrace/6.12.107+deb13-amd64-light.trace.txt.gz
            Assert.Equal("sha256:611abb9821ea9b15332d8448c8ba1610b72b17567c6ba40db3e5b1be03c1391a", hashing.Digest());
        }
    }
}
