using System.Diagnostics;

namespace BinderTrace.Tests;

/// <summary>
/// The Native AOT publish (<c>dotnet publish cli -c Release -r linux-x64</c>, README Install) behaves as the JIT
/// build: each command line below, run by the published native binary, gives the same exit code, standard output,
/// standard error and output files, byte for byte, as the command tree run in-process. Reflection that trimming
/// removed, or JSON read without its generated contract, shows up here as a difference or a crash. Publishing
/// takes a minute or two and needs clang and zlib1g-dev (.ci/run installs them).
/// </summary>
[Trait("Category", "Slow")]
public sealed class NativeAotPublishTests(NativeAotBuild build) : IClassFixture<NativeAotBuild>, IDisposable
{
    private static readonly string Contended612 = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "contended");
    private static readonly string Contended73 = RepositoryPaths.SharedCapture("7.3.4+deb13-amd64", "contended");
    private static readonly string Folder612 = RepositoryPaths.SharedCaptureFolder("6.12.107+deb13-amd64", "contended");

    private readonly string _dir = Directory.CreateTempSubdirectory("bt-aot-").FullName;

    /// <summary>Command lines; {out} is a folder of the test's own.</summary>
    public static TheoryData<string[]> CommandLines => new()
    {
        new[] { "--version" },
        new[] { "report", Contended612, "--json" },
        new[] { "report", RepositoryPaths.SharedCapture("7.3.4+deb13-amd64", "light") },
        new[] { "stats", Path.Combine(Folder612, "trace.dat"), "--json" },
        new[] { "stats", Path.Combine(Folder612, "trace.dense.pftrace.gz"), "--json" },
        new[] { "pages", Contended612, "--csv" },
        new[] { "locks", Contended612, "--json" },
        new[] { "simulate", "--workload", RepositoryPaths.Fixture("allocator", "workload-small.json"), "-a", "page-write", "-d", "20ms", "-o", "{out}/simulated.trace" },
        new[] { "simulate", "--workload", RepositoryPaths.Fixture("allocator", "workload-unknown-field.json"), "-a", "page-write", "-o", "-" },
        new[] { "replay", Contended612, "--allocator", "all" },
        new[] { "compare", "--baseline", Contended612, "--candidate", Contended73, "--json", "--html", "{out}/compare.html" },
        new[] { "gate", "--config", "{out}/gates.json", "--baseline", Contended612, "--candidate", Contended73, "--junit", "{out}/gate.xml" },
        new[] { "export", Contended612, "-o", "{out}/tables" },
        new[] { "timeline", Contended612, "-o", "{out}/timeline.json" },
        new[] { "report", RepositoryPaths.Fixture("allocator", "workload-small.json") },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void Native_binary_matches_the_jit_build(string[] commandLine)
    {
        var inProcess = Run(commandLine, args => CliRun.Invoke(args));
        var native = Run(commandLine, build.Invoke);

        Assert.Equal(inProcess.Result.ExitCode, native.Result.ExitCode);
        Assert.Equal(inProcess.Result.Error, native.Result.Error);
        Assert.Equal(inProcess.Result.Output, native.Result.Output);
        Assert.Equal(inProcess.Files.Keys.Order(StringComparer.Ordinal), native.Files.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in inProcess.Files)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(native.Files[name]), $"{name} differs");
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs one build in a fresh output folder (the same path for both builds, so printed paths agree) and collects what it wrote.</summary>
    private (CliResult Result, Dictionary<string, byte[]> Files) Run(string[] commandLine, Func<string[], CliResult> invoke)
    {
        var output = Path.Combine(_dir, "out");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "gates.json"), """{"gates": [{"metric": "pages.installs", "max_increase": "10%"}], "allow": ["lost_events"]}""");
        var result = invoke([.. commandLine.Select(a => a.Replace("{out}", output, StringComparison.Ordinal))]);
        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(output, f), File.ReadAllBytes, StringComparer.Ordinal);
        return (result, files);
    }
}

/// <summary>One Native AOT publish of the CLI for the whole test class, into its own artifacts folder (the solution's bin and obj are left alone).</summary>
public sealed class NativeAotBuild : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bt-aot-publish-").FullName;
    private readonly string _binary;

    public NativeAotBuild()
    {
        var publish = Path.Combine(_dir, "publish");
        var (exitCode, output, error) = Execute(
            "dotnet",
            ["publish", Path.Combine(RepositoryPaths.Root, "cli"), "-c", "Release", "-r", "linux-x64", "--artifacts-path", Path.Combine(_dir, "artifacts"), "-o", publish, "-nologo"],
            TimeSpan.FromMinutes(10));
        Assert.True(exitCode == 0, $"dotnet publish -r linux-x64 (Native AOT; needs clang and zlib1g-dev) failed:\n{output}\n{error}");
        _binary = Path.Combine(publish, "bindertrace");
        Assert.True(File.Exists(_binary), $"no native binary at {_binary}");
    }

    internal CliResult Invoke(string[] args)
    {
        var (exitCode, output, error) = Execute(_binary, args, TimeSpan.FromMinutes(2));
        return new CliResult(exitCode, output, error);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int ExitCode, string Output, string Error) Execute(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
