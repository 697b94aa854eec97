namespace BinderTrace.Export;

/// <summary>
/// A file that appears under its final name only when complete: bytes go to a hidden temporary file in the
/// same folder (so the final rename stays on one file system and is atomic) and <see cref="Commit"/> renames
/// it. Disposing without committing deletes the temporary file; a killed process leaves only a dot-file
/// ending in ".tmp", never a partial file under a final name.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private const int BufferBytes = 1 << 20;

    private readonly FileStream _stream;
    private bool _done;

    private AtomicFile(string finalPath, string temporaryPath, FileStream stream)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        _stream = stream;
    }

    public string FinalPath { get; }

    public string TemporaryPath { get; }

    public Stream Stream => _stream;

    public static AtomicFile Create(string finalPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        Directory.CreateDirectory(directory);
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(finalPath)}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes);
        return new AtomicFile(finalPath, temporaryPath, stream);
    }

    /// <summary>Flushes to disk and renames over any existing file of the final name.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(TemporaryPath, FinalPath, overwrite: true);
        _done = true;
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        _stream.Dispose();
        File.Delete(TemporaryPath);
    }
}
