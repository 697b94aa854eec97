using System.CommandLine;

namespace BinderTrace.Cli;

internal static class Program
{
    private static int Main(string[] args) => BinderTraceCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration());
}
