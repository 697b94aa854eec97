using System.CommandLine;
using BinderTrace.Cli.Commands;

namespace BinderTrace.Cli;

/// <summary>The <c>bindertrace</c> command tree.</summary>
internal static class BinderTraceCommandLine
{
    public static RootCommand Create() => new("BinderTrace: mmap_lock and page-install analysis for Android binder kernel traces")
    {
        ReportCommand.Create(),
        PagesCommand.Create(),
        LocksCommand.Create(),
        StatsCommand.Create(),
        SimulateCommand.Create(),
        CompareCommand.Create(),
        GateCommand.Create(),
        ExportCommand.Create(),
    };
}
