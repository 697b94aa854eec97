using System.IO.Compression;
using System.Text;
using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>
/// Payloads printed exactly as the kernel prints them take a fast path; anything else (an added field, a
/// different order) is read by label. Both must give the same events, checked on every line of a real capture.
/// </summary>
public class PayloadPathTests
{
    [Theory]
    [InlineData("6.1.0-56-amd64-light.trace.txt.gz")]
    [InlineData("7.3.4+deb13-amd64-light.trace.txt.gz")]
    public void An_added_trailing_field_changes_nothing(string fixture)
    {
        using var gzip = new GZipStream(File.OpenRead(Fixture(fixture)), CompressionMode.Decompress);
        var lines = new StreamReader(gzip, Encoding.UTF8).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Where(l => !l.StartsWith('#')).ToArray();
        var original = string.Join('\n', events) + "\n";
        var extended = string.Join('\n', events.Select(l => l + " added_by_newer_kernel=1")) + "\n";

        var (expected, expectedSource) = Parse(original, Strict);
        var (actual, actualSource) = Parse(extended, Strict);

        Assert.Equal(events.Length, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].Kind is EventKind.Generic or EventKind.TracingMark)
            {
                continue; // their payload text legitimately differs
            }

            Assert.True(expected[i].Equals(actual[i]), $"line {i + 1}: {events[i]}");
        }

        Assert.True(expectedSource.Diagnostics.IsClean);
        Assert.True(actualSource.Diagnostics.IsClean);
    }
}
