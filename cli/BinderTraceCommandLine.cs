using System.CommandLine;
using BinderTrace.Cli.Commands;
using BinderTrace.Cli.Infrastructure;

namespace BinderTrace.Cli;

/// <summary>The <c>bindertrace</c> command tree and how it is invoked.</summary>
internal static class BinderTraceCommandLine
{
    public static RootCommand Create()
    {
        var root = Commands();
        root.Options.OfType<VersionOption>().Single().Action = new ToolVersionAction();
        return root;
    }

    private static RootCommand Commands() => new("BinderTrace: mmap_lock and page-install analysis for Android binder kernel traces")
    {
        DemoCommand.Create(),
        ReportCommand.Create(),
        PagesCommand.Create(),
        LocksCommand.Create(),
        StatsCommand.Create(),
        SimulateCommand.Create(),
        CompareCommand.Create(),
        GateCommand.Create(),
        ExportCommand.Create(),
    };

    /// <summary>
    /// Parses and runs. Usage errors exit with <see cref="ExitCode.InvalidInput"/> (System.CommandLine's own
    /// default is 1, which <c>git bisect run</c> and CI would read as "regression").
    /// </summary>
    public static int Invoke(string[] args, InvocationConfiguration configuration)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count == 0)
        {
            return parseResult.Invoke(configuration);
        }

        foreach (var error in parseResult.Errors)
        {
            configuration.Error.WriteLine($"bindertrace: {error.Message}");
        }

        configuration.Error.WriteLine("Run 'bindertrace --help' for usage.");
        return (int)ExitCode.InvalidInput;
    }
}
