using System.Text;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// A command's stdout. A write that fails (disk full, closed pipe) becomes <see cref="OutputWriteException"/>, so
/// <see cref="CommandRunner"/> can tell it from an input file that failed to read: both are IO errors, but only
/// the first is exit <see cref="ExitCode.OutputFailed"/>.
/// </summary>
internal sealed class CommandOutputWriter : TextWriter
{
    private CommandOutputWriter(TextWriter inner) => Inner = inner;

    /// <summary>The writer this one forwards to (the real <see cref="Console.Out"/> decides whether colour is used).</summary>
    public TextWriter Inner { get; }

    public override Encoding Encoding => Inner.Encoding;

    public override IFormatProvider FormatProvider => Inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => Inner.NewLine;
        set => Inner.NewLine = value;
    }

    public static CommandOutputWriter Wrap(TextWriter writer) => writer as CommandOutputWriter ?? new CommandOutputWriter(writer);

    /// <summary>The writer underneath any wrapping, for checks such as "is this the terminal".</summary>
    public static TextWriter Unwrap(TextWriter writer) => writer is CommandOutputWriter wrapped ? wrapped.Inner : writer;

    public override void Write(char value) => Guard(() => Inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Guard(() => Inner.Write(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        try
        {
            Inner.Write(buffer);
        }
        catch (IOException exception)
        {
            throw new OutputWriteException(exception);
        }
    }

    public override void Write(string? value) => Guard(() => Inner.Write(value));

    public override void WriteLine(string? value) => Guard(() => Inner.WriteLine(value));

    public override void WriteLine() => Guard(Inner.WriteLine);

    public override void Flush() => Guard(Inner.Flush);

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException exception) when (exception is not OutputWriteException)
        {
            throw new OutputWriteException(exception);
        }
    }
}

/// <summary>The command's output could not be written; the message is the system's reason (e.g. "No space left on device").</summary>
internal sealed class OutputWriteException : IOException
{
    public OutputWriteException(IOException cause)
        : base(cause?.Message, cause)
    {
    }

    public OutputWriteException()
    {
    }

    public OutputWriteException(string message)
        : base(message)
    {
    }

    public OutputWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
