using System.CommandLine;
using BinderTrace.Cli;

namespace BinderTrace.Tests;

/// <summary>The outcome of one in-process <c>bindertrace</c> invocation.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>Runs the real command tree in-process with captured stdout/stderr.</summary>
internal static class CliRun
{
    public static CliResult Invoke(params string[] args) => Invoke(CancellationToken.None, args);

    /// <summary>With <paramref name="interrupt"/> standing for Ctrl-C.</summary>
    public static CliResult Invoke(CancellationToken interrupt, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = BinderTraceCommandLine.Invoke(args, new InvocationConfiguration { Output = output, Error = error }, interrupt);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
