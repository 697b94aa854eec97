using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

/// <summary>Opens in-memory traces and drains them, for tests.</summary>
internal static class TraceInput
{
    public static ParseOptions Lenient { get; } = ParseOptions.Default;

    public static ParseOptions Strict { get; } = new() { Strict = true };

    public static ITraceEventSource Open(string text, ParseOptions? options = null) =>
        Open(Encoding.UTF8.GetBytes(text), options);

    public static ITraceEventSource Open(byte[] bytes, ParseOptions? options = null) =>
        TraceReader.Open(new MemoryStream(bytes), "test.trace", options ?? Lenient);

    public static List<TraceEvent> ReadAll(ITraceEventSource source)
    {
        var events = new List<TraceEvent>();
        while (source.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    public static (List<TraceEvent> Events, ITraceEventSource Source) Parse(string text, ParseOptions? options = null)
    {
        var source = Open(text, options);
        return (ReadAll(source), source);
    }

    /// <summary>The single event of a one-line trace (fails the test if there is not exactly one).</summary>
    public static TraceEvent Single(string line)
    {
        var (events, source) = Parse(line + "\n");
        Assert.Equal(0, source.Diagnostics.UnparsedLines);
        return Assert.Single(events);
    }

    public static string Fixture(string name) => RepositoryPaths.Fixture("ftrace", name);

    public static string SharedTraces => RepositoryPaths.SharedTraces;
}
