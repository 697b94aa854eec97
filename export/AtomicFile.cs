using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BinderTrace.Export;

/// <summary>
/// A file that appears under its final name only when complete: bytes go to a hidden temporary file in the
/// same folder (so the final rename stays on one file system and is atomic) and <see cref="Commit"/> renames
/// it. Disposing without committing deletes the temporary file; a killed process leaves only a dot-file
/// ending in ".tmp", never a partial file under a final name, and the next export into that folder, or the next
/// write of that file, removes it (<see cref="RemoveAbandoned"/>, <see cref="RemoveAbandonedOf"/>): the temporary
/// name carries the writer's process id.
/// </summary>
public sealed partial class AtomicFile : IDisposable
{
    // Row groups arrive as 64 KiB segments of stored pages, which pass the buffer; it gathers only page headers and
    // the footer. A megabyte per file was 6 MB of an export's peak memory.
    private const int BufferBytes = 64 << 10;

    private readonly FileStream _stream;
    private bool _done;

    private AtomicFile(string finalPath, string temporaryPath, FileStream stream)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        _stream = stream;
        Stream = new OutputFileStream(stream, finalPath);
    }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    /// <summary>Where the bytes go; a failed write throws <see cref="ExportWriteException"/>.</summary>
    public Stream Stream { get; }

    public static AtomicFile Create(string finalPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        Directory.CreateDirectory(directory);
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(finalPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes);
        return new AtomicFile(finalPath, temporaryPath, stream);
    }

    /// <summary>Flushes to disk and renames over any existing file of the final name.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        try
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(TemporaryPath, FinalPath, overwrite: true);
        }
        catch (IOException exception)
        {
            throw new ExportWriteException(FinalPath, exception);
        }

        _done = true;
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // Closing flushes what the buffer still holds, which fails again on a full disk; the file is
            // discarded anyway, and the error that brought us here is the one to report.
        }

        File.Delete(TemporaryPath);
    }

    /// <summary>
    /// Deletes the temporary files under <paramref name="directory"/> whose writing process is gone (killed
    /// mid-export); those of a live process, another export running now, are left alone. Returns how many.
    /// </summary>
    public static int RemoveAbandoned(string directory) => RemoveAbandoned(directory, ".*.tmp", SearchOption.AllDirectories);

    /// <summary>
    /// Deletes the abandoned temporary files of <paramref name="finalPath"/> alone, in its folder: what a writer of one
    /// file (a command's <c>-o FILE</c>) left when a second Ctrl-C ended it the default way, before it could clean up.
    /// Other files of the folder are not looked at. Returns how many.
    /// </summary>
    public static int RemoveAbandonedOf(string finalPath) =>
        RemoveAbandoned(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, $".{Path.GetFileName(finalPath)}.*.tmp", SearchOption.TopDirectoryOnly);

    private static int RemoveAbandoned(string directory, string pattern, SearchOption scope)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(directory, pattern, scope))
        {
            var match = TemporaryName().Match(Path.GetFileName(path));
            if (match.Success && int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                File.Delete(path);
                removed++;
            }
        }

        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex TemporaryName();
}
