using System.CommandLine;
using BinderTrace.Export;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// How a failure nobody planned for reaches the user: one line on stderr and <see cref="ExitCode.InternalError"/>
/// (never 1, which CI and <c>git bisect run</c> read as "regression"); the stack trace only with <c>--verbose</c>.
/// A failed write of the output is not a bug but <see cref="ExitCode.OutputFailed"/>.
/// </summary>
internal static class UnexpectedFailure
{
    public const string VerboseOptionName = "--verbose";

    /// <summary>On every command: prints the details of an unexpected failure.</summary>
    public static Option<bool> VerboseOption() => new(VerboseOptionName)
    {
        Description = "On an unexpected failure, print its details (stack trace) as well",
        Recursive = true,
    };

    public static bool IsVerbose(ParseResult parseResult)
    {
        try
        {
            return parseResult.GetValue<bool>(VerboseOptionName);
        }
        catch (InvalidOperationException)
        {
            // A command tree without the option (a test building one command alone) is not verbose.
            return false;
        }
    }

    public static int Report(Exception exception, TextWriter error, bool verbose)
    {
        if (OutputFailure(exception) is { } output)
        {
            TryWrite(error, $"bindertrace: cannot write the output: {output.Message}");
            return (int)ExitCode.OutputFailed;
        }

        if (IsCancellation(exception))
        {
            TryWrite(error, "bindertrace: cancelled");
            return (int)ExitCode.Cancelled;
        }

        TryWrite(error, verbose
            ? $"bindertrace: internal error: {exception}"
            : $"bindertrace: internal error: {exception.Message} (a bug; run again with --verbose for details, and report it)");
        return (int)ExitCode.InternalError;
    }

    /// <summary>Ctrl-C, also when it reached several workers (<see cref="Parallel"/> gathers their cancellations).</summary>
    private static bool IsCancellation(Exception exception) => exception is OperationCanceledException
        || exception is AggregateException aggregate && aggregate.Flatten().InnerExceptions.All(e => e is OperationCanceledException);

    /// <summary>A failed write of stdout or of an export file, also when a worker thread's wrapper carries it.</summary>
    private static IOException? OutputFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is OutputWriteException or ExportWriteException)
            {
                return (IOException)exception;
            }
        }

        return null;
    }

    /// <summary>stderr itself may be closed; the exit code still tells what happened.</summary>
    private static void TryWrite(TextWriter error, string line)
    {
        try
        {
            error.WriteLine(line);
        }
        catch (IOException)
        {
        }
    }
}
