using BinderTrace.Analysis.Stats;
using BinderTrace.Events;
using Spectre.Console;

namespace BinderTrace.Cli.Rendering;

/// <summary>The human-readable form of <c>stats</c>: a summary grid and an event-count table per trace.</summary>
internal static class StatsTextRenderer
{
    public static void Write(TextWriter output, IReadOnlyList<TraceStatistics> results)
    {
        var console = TextConsole.For(output);
        foreach (var stats in results)
        {
            console.Write(new Rule(Markup.Escape(stats.Info.SourceName)).LeftJustified());
            console.Write(Summary(stats));
            console.Write(EventTable(stats));
            WriteDataQuality(console, stats.Diagnostics);
            console.WriteLine();
        }
    }

    private static Grid Summary(TraceStatistics stats)
    {
        var grid = new Grid().AddColumn().AddColumn();
        var ticks = stats.Info.Clock == TraceClockKind.Ticks;
        grid.AddRow("format", TraceStatisticsJson.FormatName(stats.Info.Format) + (stats.Info.Compressed ? " (compressed)" : ""));
        if (stats.Info.OtherInstances.Count > 0)
        {
            grid.AddRow("unread instances", string.Join(", ", stats.Info.OtherInstances));
        }

        grid.AddRow("events", stats.Events.ToString("N0"));
        grid.AddRow("time span", Span(stats, ticks));
        grid.AddRow("cpus", $"{stats.Cpus.Count} seen" + (stats.Info.HeaderCpuCount is { } header ? $", {header} in header" : ""));
        grid.AddRow("threads", stats.Threads.ToString("N0"));
        grid.AddRow("processes", stats.Processes?.ToString("N0") ?? "unknown (no TGID column)");
        grid.AddRow("binder processes", stats.BinderProcesses.ToString("N0"));
        return grid;
    }

    private static string Span(TraceStatistics stats, bool ticks)
    {
        if (stats.FirstTimestamp is not { } first || stats.LastTimestamp is not { } last)
        {
            return "empty trace";
        }

        return ticks
            ? $"{first} .. {last} ticks (counter clock, not time)"
            : $"{Seconds(first)} .. {Seconds(last)} s ({Seconds(last - first)} s)";
    }

    private static string Seconds(long ns) => $"{ns / 1_000_000_000}.{Math.Abs(ns % 1_000_000_000) / 1000:D6}";

    private static Table EventTable(TraceStatistics stats)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("event").AddColumn(new Spectre.Console.TableColumn("count").RightAligned());
        foreach (var (name, count) in stats.EventCounts)
        {
            table.AddRow(Markup.Escape(name), count.ToString("N0"));
        }

        return table;
    }

    /// <summary>The data-quality table, then the evidence behind its rows: losses per CPU, skipped lines, the damage found.</summary>
    private static void WriteDataQuality(IAnsiConsole console, TraceDiagnostics diagnostics)
    {
        var table = DataQualityTable.Of(diagnostics);
        if (table.Entries.Count == 0)
        {
            console.WriteLine("data quality: clean (no lost events, no unparsed lines, not truncated)");
            return;
        }

        console.WriteLine("data quality:");
        foreach (var entry in table.Entries)
        {
            console.WriteLine($"  {DataQualityTable.SeverityName(entry.Counter.Severity),-9} {entry.Counter.Name} {entry.Value:N0}: {entry.Counter.Description}");
        }

        if (diagnostics.LostEventMarkers > 0)
        {
            var details = diagnostics.LostEventsPerCpu.Select(p => $"cpu{p.Key}: {p.Value}").ToList();
            var amount = diagnostics.LostEventCountKnown ? $"{diagnostics.LostEvents:N0}" : $"unknown, at least {diagnostics.LostEvents:N0},";
            console.WriteLine($"  lost events: {amount} in {diagnostics.LostEventMarkers} markers ({string.Join(", ", details)})");
        }

        foreach (var skipped in diagnostics.SkippedSamples)
        {
            console.WriteLine($"    line {skipped.LineNumber}: {skipped.Reason}: {skipped.Text}");
        }

        if (diagnostics.InputDamage is { } damage)
        {
            console.WriteLine("  input damaged: " + damage);
        }
    }
}
