using System.CommandLine;
using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Pipeline;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Runs a command body and turns every failure into one line on stderr and a code of <see cref="ExitCode"/>:
/// bad input (missing files, unreadable traces, malformed reports) is <see cref="ExitCode.InvalidInput"/>, an
/// output that cannot be written is <see cref="ExitCode.OutputFailed"/>, and anything else is a bug,
/// <see cref="ExitCode.InternalError"/>, whose stack trace <c>--verbose</c> shows.
/// </summary>
internal static class CommandRunner
{
    /// <summary>
    /// Makes <paramref name="body"/> the command's action. It gets the Ctrl-C token (the async form of the action is
    /// the one System.CommandLine hands a token to; the body itself runs synchronously) and stdout.
    /// </summary>
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, TextWriter, ExitCode> body) =>
        command.SetAction((parseResult, interrupt) => Task.FromResult(Run(parseResult, output => body(parseResult, interrupt, output))));

    private static int Run(ParseResult parseResult, Func<TextWriter, ExitCode> body)
    {
        var output = CommandOutputWriter.Wrap(parseResult.InvocationConfiguration.Output);
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return (int)body(output);
        }
        catch (Exception exception) when (IsUserError(exception))
        {
            TryFlush(output);
            error.WriteLine($"bindertrace: {exception.Message}");
            return (int)ExitCode.InvalidInput;
        }
        catch (Exception exception)
        {
            TryFlush(output);
            return UnexpectedFailure.Report(exception, error, UnexpectedFailure.IsVerbose(parseResult));
        }
    }

    private static bool IsUserError(Exception exception) => exception is
        UserErrorException or TraceInputException or TraceFormatException or FileNotFoundException or DirectoryNotFoundException
        or UnauthorizedAccessException or InvalidDataException or TraceFocusException;

    /// <summary>The output may be the very thing that failed; what it could not take is already lost.</summary>
    private static void TryFlush(TextWriter output)
    {
        try
        {
            output.Flush();
        }
        catch (IOException)
        {
        }
    }
}
