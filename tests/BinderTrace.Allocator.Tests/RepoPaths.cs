using System.Runtime.CompilerServices;

namespace BinderTrace.Tests;

/// <summary>
/// Locates the repository (the folder holding BinderTrace.slnx) above the test binaries, or, when they were built
/// elsewhere (--artifacts-path), above this source file; shared/ sits beside the repository.
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Traces => Path.Combine(Root, "..", "shared", "traces");

    public static string Fixture(string name) => Path.Combine(Root, "fixtures", "allocator", name);

    private static string Find([CallerFilePath] string sourceFile = "") =>
        FindFrom(AppContext.BaseDirectory) ?? FindFrom(Path.GetDirectoryName(sourceFile) ?? "")
        ?? throw new DirectoryNotFoundException("BinderTrace.slnx not found above the test binaries or the test sources");

    private static string? FindFrom(string start)
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
}
