using System.Reflection;

namespace BinderTrace.Tests;

/// <summary>
/// Where tests find the repository's fixtures and the shared real captures (../shared beside the repository).
/// The root is recorded at build time by tests/Directory.Build.props, so it holds wherever the test binaries
/// were built (including an --artifacts-path outside the repository). Compiled into every test project.
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = typeof(RepositoryPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BinderTrace.RepositoryRoot").Value!;

    public static string SharedTraces => Path.GetFullPath(Path.Combine(Root, "..", "shared", "traces"));

    public static string SharedCaptureFolder(string kernel, string capture) => Path.Combine(SharedTraces, kernel, capture);

    public static string SharedCapture(string kernel, string capture) => Path.Combine(SharedCaptureFolder(kernel, capture), "trace.txt.gz");

    /// <summary>A file under fixtures/<paramref name="area"/>/.</summary>
    public static string Fixture(string area, string name) => Path.Combine(Root, "fixtures", area, name);
}
