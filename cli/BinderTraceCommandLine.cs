using System.CommandLine;
using System.CommandLine.Parsing;
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
        ReplayCommand.Create(),
        CompareCommand.Create(),
        GateCommand.Create(),
        ExportCommand.Create(),
        TimelineCommand.Create(),
        UnexpectedFailure.VerboseOption(),
    };

    /// <summary>
    /// Parses and runs. Usage errors exit with <see cref="ExitCode.InvalidInput"/> (System.CommandLine's own
    /// default is 1, which <c>git bisect run</c> and CI would read as "regression"); so does a failure nothing
    /// else caught, as <see cref="ExitCode.InternalError"/> instead of the library's 1. <paramref name="interrupt"/>
    /// is Ctrl-C: every command hands it to its trace passes and file writes, and exits
    /// <see cref="ExitCode.Cancelled"/> once it fires. The caller (<see cref="Program"/>) owns the signal, so a test
    /// can interrupt an in-process run with a token of its own.
    /// </summary>
    public static int Invoke(string[] args, InvocationConfiguration configuration, CancellationToken interrupt = default)
    {
        configuration.EnableDefaultExceptionHandler = false;
        configuration.ProcessTerminationTimeout = null;
        var parseResult = Create().Parse(args);
        var errors = parseResult.Errors.Select(e => ParseErrorText.Readable(e.Message)).Concat(UnknownOptions.In(parseResult)).ToList();
        if (errors.Count == 0)
        {
            try
            {
                return parseResult.InvokeAsync(configuration, interrupt).GetAwaiter().GetResult();
            }
            catch (Exception exception)
            {
                return UnexpectedFailure.Report(exception, configuration.Error, UnexpectedFailure.IsVerbose(parseResult));
            }
        }

        foreach (var error in errors)
        {
            configuration.Error.WriteLine($"bindertrace: {error}");
        }

        configuration.Error.WriteLine("Run 'bindertrace --help' for usage.");
        return (int)ExitCode.InvalidInput;
    }
}
