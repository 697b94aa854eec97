namespace BinderTrace.Export;

/// <summary>
/// An output file of the export could not be written (disk full, quota, I/O error): the fault is on the output
/// side, not in the trace nor in the program, which is what lets the command line tell it apart (exit 74).
/// </summary>
public sealed class ExportWriteException(string path, IOException inner)
    : IOException($"{path}: {inner.Message}", inner)
{
    /// <summary>The file being written (its final name; the bytes were going to its temporary file beside it).</summary>
    public string Path { get; } = path;
}
