using System.Reflection;

namespace BinderTrace.Tests;

/// <summary>Locates the repository (recorded at build time by tests/Directory.Build.props) and the shared reference traces beside it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = typeof(RepositoryPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "BinderTrace.RepositoryRoot").Value!;

    public static string SharedTraces => Path.GetFullPath(Path.Combine(Root, "..", "shared", "traces"));

    public static string SharedCapture(string kernel, string capture) => Path.Combine(SharedTraces, kernel, capture, "trace.txt.gz");
}
