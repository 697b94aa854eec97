using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// <c>bindertrace --version</c>: this tool's version and the commit it was built from (the SDK appends the
/// SourceRevisionId to the informational version as <c>+sha</c>). System.CommandLine's own action prints the entry
/// assembly's version, which is the test host's when the command tree runs in-process.
/// </summary>
internal sealed class ToolVersionAction : SynchronousCommandLineAction
{
    public static string Text { get; } =
        typeof(ToolVersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Text);
        return (int)ExitCode.Ok;
    }
}
