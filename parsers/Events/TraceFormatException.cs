namespace BinderTrace.Events;

/// <summary>
/// Input that cannot be read as a trace (or, in strict mode, a line that cannot be parsed). The message
/// always names the source and the position, so a user can open the file at the right place.
/// </summary>
public sealed class TraceFormatException : Exception
{
    public TraceFormatException(string sourceName, long lineNumber, long byteOffset, string problem)
        : base($"{sourceName}:{lineNumber} (byte {byteOffset}): {problem}")
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
        ByteOffset = byteOffset;
        Problem = problem;
    }

    public TraceFormatException()
    {
        SourceName = "";
        Problem = "";
    }

    public TraceFormatException(string message)
        : base(message)
    {
        SourceName = "";
        Problem = message;
    }

    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = "";
        Problem = message;
    }

    private TraceFormatException(string sourceName, string problem, string message)
        : base(message)
    {
        SourceName = sourceName;
        Problem = problem;
    }

    public string SourceName { get; }

    /// <summary>1-based line number, or 0 when the problem is not tied to a line.</summary>
    public long LineNumber { get; }

    public long ByteOffset { get; }

    public string Problem { get; }

    /// <summary>The input holds no trace at all: <paramref name="looksLike"/> says what it seems to be instead ("empty", "an ELF binary").</summary>
    public static TraceFormatException NotATrace(string sourceName, string looksLike) =>
        new(sourceName, $"no trace events found: it looks like {looksLike}", $"no trace events found in {sourceName}: it looks like {looksLike}");
}
