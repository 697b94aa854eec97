using BinderTrace.Export;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// A file a command writes beside its report (<c>timeline -o</c>, <c>--html</c>, <c>simulate -o</c>, <c>replay -o</c>,
/// <c>gate --junit</c>) as an <see cref="AtomicFile"/>, export's own: renamed over the target only once the whole file
/// is written and the command was not interrupted. Ctrl-C or an error deletes the temporary file, so neither a half
/// file under the target's name (which would read as a trace or a report that ended there) nor the temporary one is
/// left behind; what a second Ctrl-C (which ends the process at once) leaves, the next write of the same file
/// removes. Unlike an export's folder, a missing folder is the user's mistake, not created.
/// </summary>
internal static class OutputFile
{
    public static T Write<T>(string path, Func<Stream, T> write, CancellationToken cancellation)
    {
        using var file = Create(path);
        var result = write(file.Stream);
        cancellation.ThrowIfCancellationRequested();
        file.Commit();
        return result;
    }

    public static void Write(string path, Action<Stream> write, CancellationToken cancellation) =>
        Write(
            path,
            stream =>
            {
                write(stream);
                return 0;
            },
            cancellation);

    /// <summary>The system's message would name the temporary file, which the user never asked for.</summary>
    private static AtomicFile Create(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist");
        }

        try
        {
            AtomicFile.RemoveAbandonedOf(path);
            return AtomicFile.Create(path);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new UnauthorizedAccessException($"{path}: no permission to create a file in {folder}", exception);
        }
    }
}
