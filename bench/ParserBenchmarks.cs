using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Bench;

/// <summary>
/// In-process costs per real capture (the 6.12 light fixture, 7,796 events, decompressed into memory so disk
/// and gzip are out of the picture): parsing alone, and parsing plus the full analysis behind <c>report</c>.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] _trace = [];

    [GlobalSetup]
    public void Setup()
    {
        var fixture = Path.Combine(RepositoryRoot(), "fixtures", "ftrace", "6.12.107+deb13-amd64-light.trace.txt.gz");
        using var gzip = new GZipStream(File.OpenRead(fixture), CompressionMode.Decompress);
        using var text = new MemoryStream();
        gzip.CopyTo(text);
        _trace = text.ToArray();
    }

    [Benchmark(Baseline = true)]
    public long Parse()
    {
        using var source = Open();
        long events = 0;
        while (source.TryRead(out _))
        {
            events++;
        }

        return events;
    }

    [Benchmark]
    public TraceReport ParseAndAnalyze()
    {
        using var source = Open();
        return TraceAnalyzer.Analyze(source);
    }

    private ITraceEventSource Open() => TraceReader.Open(new MemoryStream(_trace, writable: false), "benchmark", ParseOptions.Default);

    /// <summary>BenchmarkDotNet runs this from a generated project under bench/bin, inside the repository.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BinderTrace.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("BinderTrace.slnx not found above " + AppContext.BaseDirectory);
    }
}
