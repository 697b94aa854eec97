using BinderTrace.Comparison;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Fuzz;

/// <summary>
/// What the fuzzer drives: each target reads one input the way the command line would and may end only with
/// the errors a user is shown (exit 2). Any other exception is a bug, which afl records as a crash. A reader
/// that lands is one more line in <see cref="All"/> and a seed folder under corpus/.
/// </summary>
public static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<Stream>> All { get; } = new Dictionary<string, Action<Stream>>(StringComparer.Ordinal)
    {
        ["text"] = input => ReadTrace(input, strict: false),
        ["text-strict"] = input => ReadTrace(input, strict: true),

        // The binary readers sit behind the same content detection; their targets differ by seed corpus.
        ["trace-dat"] = input => ReadTrace(input, strict: false),
        ["perfetto"] = input => ReadTrace(input, strict: false),
        ["report-json"] = ReadReport,
        ["gates"] = ReadGates,
    };

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/>, absorbing the errors users are meant to see.</summary>
    public static void Run(Action<Stream> target, Stream input)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            target(input);
        }
        catch (Exception error) when (error is TraceFormatException or ComparisonInputException or GateConfigException)
        {
        }
    }

    private static void ReadTrace(Stream input, bool strict)
    {
        using var source = TraceReader.Open(input, "fuzz", new ParseOptions { Strict = strict, MaxLineBytes = 4096 });
        while (source.TryRead(out _))
        {
        }

        _ = source.Diagnostics.LostEvents;
    }

    private static void ReadReport(Stream input)
    {
        using var reader = new StreamReader(input);
        var measurement = ReportFileLoader.Parse(reader.ReadToEnd(), "fuzz.json");
        _ = measurement.Quality.Issues();
    }

    private static void ReadGates(Stream input)
    {
        using var reader = new StreamReader(input);
        _ = GateConfig.Parse(reader.ReadToEnd(), "fuzz-gates.json");
    }
}
