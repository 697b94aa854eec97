using System.IO.Compression;
using System.Text;

namespace BinderTrace.Bench;

/// <summary>
/// Builds the large benchmark trace by repeating a real capture's event lines with timestamps shifted past
/// the previous copy, so the file keeps the real line mix and stays in timestamp order. The header block is
/// written once. The output is never committed (bench/data/ is ignored).
/// </summary>
internal static class BenchmarkTraceBuilder
{
    public static void Build(string captureGz, string outputPath, long targetBytes)
    {
        var (header, events) = ReadCapture(captureGz);
        var first = Timestamp(events[0]);
        var last = Timestamp(events[^1]);
        var period = last - first + 1_000_000; // one millisecond of quiet between copies

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using var output = new StreamWriter(outputPath, false, new UTF8Encoding(false), 1 << 20);
        output.NewLine = "\n";
        foreach (var line in header)
        {
            output.WriteLine(line);
        }

        var written = 0L;
        for (var copy = 0L; written < targetBytes; copy++)
        {
            foreach (var line in events)
            {
                var (start, length) = TimestampSpan(line);
                var shifted = FormatMicroseconds(Timestamp(line) + (copy * period));
                output.Write(line.AsSpan(0, start));
                output.Write(shifted.PadLeft(length));
                output.WriteLine(line.AsSpan(start + length));
                written += line.Length + 1 + Math.Max(0, shifted.Length - length);
            }
        }
    }

    private static (List<string> Header, List<string> Events) ReadCapture(string captureGz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(captureGz), CompressionMode.Decompress));
        var header = new List<string>();
        var events = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            (line.StartsWith('#') ? header : events).Add(line);
        }

        return (header, events);
    }

    /// <summary>Timestamps are microseconds in the text; kept as microseconds here.</summary>
    private static long Timestamp(string line)
    {
        var (start, length) = TimestampSpan(line);
        var text = line.AsSpan(start, length).Trim();
        var dot = text.IndexOf('.');
        return (long.Parse(text[..dot]) * 1_000_000) + long.Parse(text[(dot + 1)..]);
    }

    private static string FormatMicroseconds(long micros) => $"{micros / 1_000_000,5}.{micros % 1_000_000:D6}";

    /// <summary>The timestamp field: from after the flags column up to the ':' that ends it.</summary>
    private static (int Start, int Length) TimestampSpan(string line)
    {
        var cpuEnd = line.IndexOf("] ", StringComparison.Ordinal);
        var colon = line.IndexOf(": ", cpuEnd, StringComparison.Ordinal);
        var start = line.LastIndexOf(' ', colon - 1, colon - cpuEnd);
        while (start > cpuEnd && line[start - 1] == ' ')
        {
            start--;
        }

        return (start, colon - start);
    }
}
