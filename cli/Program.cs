using System.CommandLine;
using BinderTrace.Cli.Infrastructure;

namespace BinderTrace.Cli;

internal static class Program
{
    private static int Main(string[] args) => BinderTraceCommandLine.Invoke(args, new InvocationConfiguration());
}
