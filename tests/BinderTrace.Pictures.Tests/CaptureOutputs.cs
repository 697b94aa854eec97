using System.Collections.Concurrent;
using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>
/// Runs the real command line once per (command, capture) and keeps its output files for the tests of one class,
/// in a temp folder deleted afterwards.
/// </summary>
public sealed class CaptureOutputs : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ConcurrentDictionary<string, Lazy<string>> _files = new();

    public static string Capture(string kernel, string capture = "contended") => RepositoryPaths.SharedCapture(kernel, capture);

    /// <summary>
    /// The file <paramref name="args"/> writes to its <c>{file}</c> placeholder, after checking the run ended with a
    /// verdict (0, 1 regression, 125 inconclusive) rather than an input error or a crash.
    /// </summary>
    public string File(string extension, params string[] args) => _files.GetOrAdd(extension + "|" + string.Join('|', args), _ => new Lazy<string>(() =>
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + extension);
        var result = CliRun.Invoke(args.Select(a => a == "{file}" ? path : a).ToArray());
        Assert.True(result.ExitCode is 0 or 1 or 125, $"bindertrace {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return path;
    })).Value;

    /// <summary>Standard output of a command as a JSON document.</summary>
    public JsonElement Json(params string[] args) => _json.GetOrAdd(string.Join('|', args), _ => new Lazy<JsonElement>(() =>
    {
        var result = CliRun.Invoke(args);
        Assert.True(result.ExitCode is 0 or 1 or 125, $"bindertrace {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    })).Value;

    private readonly ConcurrentDictionary<string, Lazy<JsonElement>> _json = new();

    public void Dispose() => _folder.Dispose();
}
