using System.Runtime.CompilerServices;

namespace BinderTrace.Tests;

/// <summary>
/// Locates the repository (the folder holding BinderTrace.slnx) and the shared reference traces beside it:
/// above the test binaries, or, when they were built into an artifacts folder elsewhere, above this source file.
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedTraces => Path.GetFullPath(Path.Combine(Root, "..", "shared", "traces"));

    public static string SharedCaptureFolder(string kernel, string capture) => Path.Combine(SharedTraces, kernel, capture);

    private static string FindRoot() =>
        FindAbove(AppContext.BaseDirectory) ?? FindAbove(Path.GetDirectoryName(SourceFile())!)
        ?? throw new InvalidOperationException("BinderTrace.slnx not found above " + AppContext.BaseDirectory);

    private static string? FindAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BinderTrace.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
