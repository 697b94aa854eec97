namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// A file a command writes beside its report (<c>timeline -o</c>, <c>--html</c>, <c>simulate -o</c>, <c>replay -o</c>):
/// the bytes go to a hidden temporary file in the target's folder, renamed over the target only once the whole
/// file is written and the command was not interrupted. Ctrl-C or an error deletes the temporary file, so neither
/// a half file under the target's name (which would read as a trace or a report that ended there) nor the
/// temporary one is left behind.
/// </summary>
internal static class OutputFile
{
    private const int BufferBytes = 1 << 16;

    public static T Write<T>(string path, Func<Stream, T> write, CancellationToken cancellation)
    {
        var target = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var stream = Create(path, temporary);
        try
        {
            var result = write(stream);
            cancellation.ThrowIfCancellationRequested();
            Commit(stream, temporary, target);
            return result;
        }
        catch
        {
            Discard(stream, temporary);
            throw;
        }
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
    private static FileStream Create(string path, string temporary)
    {
        try
        {
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes);
        }
        catch (DirectoryNotFoundException exception)
        {
            throw new DirectoryNotFoundException($"{path}: the folder {Path.GetDirectoryName(temporary)} does not exist", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new UnauthorizedAccessException($"{path}: no permission to create a file in {Path.GetDirectoryName(temporary)}", exception);
        }
    }

    /// <summary>The last bytes reach the disk when the stream closes: a full disk shows here, as a failed output.</summary>
    private static void Commit(FileStream stream, string temporary, string target)
    {
        try
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            File.Move(temporary, target, overwrite: true);
        }
        catch (IOException exception)
        {
            throw new OutputWriteException(exception);
        }
    }

    private static void Discard(FileStream stream, string temporary)
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
            // Closing flushes the buffer, which fails again on a full disk; the file is dropped anyway, and the
            // error that brought us here is the one to report.
        }

        File.Delete(temporary);
    }
}
