using System.Globalization;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// The parts of the text report that say what can be focused on: the binder processes <c>--proc</c> can select
/// and, when the trace marks phases, each phase's headline numbers (what <c>--phase NAME</c> would report).
/// </summary>
internal static class TraceReportFocusText
{
    public const int MaxListedProcesses = 8;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void WriteProcesses(TextWriter output, TraceReport report)
    {
        if (report.Processes.Count == 0)
        {
            return;
        }

        output.WriteLine(string.Create(Invariant, $"binder processes ({report.Processes.Count}; --proc PID selects one)  pid comm: page installs, mmap_lock holds on its mm (binder's), transactions"));
        foreach (var p in report.Processes.Take(MaxListedProcesses))
        {
            var selected = report.ProcFilter == p.Proc ? "*" : " ";
            output.WriteLine(string.Create(Invariant, $" {selected}{p.Proc,7} {(p.Comm.Length > 0 ? p.Comm : "?"),-16} installs {p.PageInstalls,6}  holds {p.MmapLockHolds,7} ({p.BinderHolds})  transactions {p.Transactions}"));
        }

        if (report.Processes.Count > MaxListedProcesses)
        {
            output.WriteLine(string.Create(Invariant, $"  … and {report.Processes.Count - MaxListedProcesses} more (report --json lists all under binder_processes)"));
        }
    }

    public static void WritePhases(TextWriter output, TraceReport report)
    {
        if (report.Phases.Count == 0)
        {
            return;
        }

        output.WriteLine(string.Create(Invariant, $"phases (--phase NAME reports one)  {"time",9} {"installs",8} {"inst p99",9} {"reclaims",8} {"binder wr holds",15} {"wr hold p99",11} {"wait wr p99",11} {"wait rd p99",11} {"txns",6}"));
        foreach (var phase in report.Phases)
        {
            var r = phase.Report;
            var binderWrite = r.Locks.BinderHoldNs(LockMode.Write);
            output.WriteLine(string.Create(Invariant,
                $"  {Truncate(phase.Name, 32),-32} {TraceReportText.Duration(phase.DurationNs(report.LastTimestamp)),9} {r.Pages.Installs,8} {Quantile99(r.Pages.InstallNs),9} {r.Pages.Reclaims,8} {binderWrite.Count,15} {Quantile99(binderWrite),11} {Quantile99(r.Locks.WaitNs(LockMode.Write)),11} {Quantile99(r.Locks.WaitNs(LockMode.Read)),11} {r.Transactions.Count,6}"));
        }
    }

    private static string Quantile99(Quantiles.DurationDistribution d) => d.Count == 0 ? "-" : TraceReportText.Duration(d.Quantile(0.99));

    private static string Truncate(string name, int width) => name.Length <= width ? name : name[..(width - 1)] + "…";
}
