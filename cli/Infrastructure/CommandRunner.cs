using System.CommandLine;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Runs a command body and turns expected failures (bad input, missing files, unreadable traces) into a
/// one-line message on stderr and <see cref="ExitCode.InvalidInput"/>. Anything else is a bug and keeps its
/// stack trace.
/// </summary>
internal static class CommandRunner
{
    public static int Run(ParseResult parseResult, Func<TextWriter, ExitCode> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return (int)body(output);
        }
        catch (Exception exception) when (IsUserError(exception))
        {
            output.Flush();
            error.WriteLine($"bindertrace: {exception.Message}");
            return (int)ExitCode.InvalidInput;
        }
    }

    private static bool IsUserError(Exception exception) => exception is
        UserErrorException or TraceFormatException or FileNotFoundException or DirectoryNotFoundException
        or UnauthorizedAccessException or InvalidDataException or TraceFocusException;
}
