using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>
/// <c>--proc</c>, <c>--window</c> and <c>--phase</c> as a user types them, on the real 6.12 captures. The server
/// process is 268 in <c>light</c> and 267 in <c>contended</c> (workload.log: <c>ROLE server-main tgid=…</c>). Every
/// expected value is counted from the text with the command in the test's comment.
/// </summary>
public sealed class FocusCommandTests
{
    private static readonly string Light = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "light");
    private static readonly string Contended = RepositoryPaths.SharedCapture("6.12.107+deb13-amd64", "contended");

    /// <summary>
    /// The issue's case: under --proc every section speaks of the same process. Every transaction of the capture
    /// involves the server: <c>zcat trace.txt.gz | grep -c 'binder_transaction:'</c> = 3693; its page installs
    /// (raced ones included): <c>zcat trace.txt.gz | grep -c 'binder_alloc_page_end: proc=267 '</c> = 476; the pages
    /// charged to its transactions are the pages installed in its buffer, not the clients' (replies install those).
    /// </summary>
    [Fact]
    public void Report_proc_counts_transactions_and_pages_of_the_same_process()
    {
        var result = CliRun.Invoke("report", Contended, "--proc", "267", "--json");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Output).RootElement;
        var pages = root.GetProperty("pages");
        Assert.Equal(476, pages.GetProperty("installs").GetInt64() + pages.GetProperty("raced_installs").GetInt64());
        var transactions = root.GetProperty("transactions");
        Assert.Equal(3693, transactions.GetProperty("count").GetInt64());
        Assert.Equal(pages.GetProperty("installs").GetInt64(), transactions.GetProperty("pages_installed").GetInt64());
    }

    /// <summary>
    /// A client: replies to it, <c>zcat trace.txt.gz | grep -c 'binder_transaction:.*dest_proc=293 '</c> = 289; its
    /// installs, <c>zcat trace.txt.gz | grep -c 'binder_alloc_page_end: proc=293 '</c> = 6 (5 + 1 raced).
    /// </summary>
    [Fact]
    public void Report_proc_of_a_client_counts_the_replies_to_it()
    {
        var result = CliRun.Invoke("report", Contended, "--proc", "293", "--json");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Output).RootElement;
        var pages = root.GetProperty("pages");
        Assert.Equal(6, pages.GetProperty("installs").GetInt64() + pages.GetProperty("raced_installs").GetInt64());
        Assert.Equal(289, root.GetProperty("transactions").GetProperty("replies").GetInt64());
    }

    /// <summary>
    /// Binder processes: the server and the clients, the tgids of workload.log's ROLE lines but the orchestrator 267
    /// (<c>grep -o 'tgid=[0-9]*' workload.log | sort -u</c>: 267, 268, 271, 276, 277, 282).
    /// </summary>
    [Fact]
    public void Report_lists_the_binder_processes_and_an_unknown_pid_exits_2_with_that_list()
    {
        var report = CliRun.Invoke("report", Light);
        var unknown = CliRun.Invoke("report", Light, "--proc", "99999");
        var json = CliRun.Invoke("report", Light, "--json");

        Assert.Equal(0, report.ExitCode);
        Assert.Contains("binder processes (", report.Output, StringComparison.Ordinal);
        Assert.Contains("    268 binder_wl", report.Output, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no binder process 99999", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("  268 binder_wl: 91,", unknown.Error, StringComparison.Ordinal);
        var procs = JsonDocument.Parse(json.Output).RootElement.GetProperty("binder_processes")
            .EnumerateArray().Select(p => p.GetProperty("proc").GetInt32()).Order().ToList();
        Assert.Equal(WorkloadProcesses("light").Where(p => p != 267).ToList(), procs);
    }

    /// <summary>
    /// <c>zcat trace.txt.gz | sed -n '/phase B-contention begin/,/phase B-contention end/p' | wc -l</c> = 4218 events,
    /// of which <c>… | grep -c 'binder_alloc_page_end:'</c> = 60 page installs (none raced in this phase).
    /// </summary>
    [Fact]
    public void Phase_restricts_the_report_to_the_events_between_the_markers()
    {
        var result = CliRun.Invoke("report", Light, "--phase", "B-contention", "--json");

        Assert.Equal(0, result.ExitCode);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(4218, root.GetProperty("event_count").GetInt64());
        Assert.Equal(60, root.GetProperty("pages").GetProperty("installs").GetInt64());
        Assert.Equal("phase B-contention", root.GetProperty("focus").GetString());
    }

    /// <summary>The whole-trace report breaks the same numbers down by phase: the B-contention row equals --phase B-contention.</summary>
    [Fact]
    public void Report_text_breaks_headline_numbers_down_by_phase()
    {
        var whole = CliRun.Invoke("report", Light);
        var json = JsonDocument.Parse(CliRun.Invoke("report", Light, "--json").Output).RootElement;

        Assert.Contains("phases (--phase NAME reports one)", whole.Output, StringComparison.Ordinal);
        var phases = json.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal(["A-warmup", "B-contention", "C-idle-reclaim", "D-reload"], phases.Select(p => p.GetProperty("name").GetString()));
        var b = phases[1].GetProperty("report");
        Assert.Equal(4218, b.GetProperty("event_count").GetInt64());
        Assert.Equal(60, b.GetProperty("pages").GetProperty("installs").GetInt64());
        Assert.Matches(@"\n  B-contention +\S+ +60 ", whole.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void An_unknown_phase_exits_2_and_names_the_phases_the_trace_has()
    {
        var result = CliRun.Invoke("report", Light, "--phase", "warmup");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no phase 'warmup': its phases are: A-warmup, B-contention, C-idle-reclaim, D-reload", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The first event is at 4.915729 s, so 30ms..100ms is [4.945729 s, 5.015729 s):
    /// <c>zcat trace.txt.gz | grep -v '^#' | grep -oE ' [0-9]+\.[0-9]{6}: ' | awk '{ t = substr($1, 1, length($1)-1);
    /// split(t, a, "."); us = a[1]*1000000 + a[2]; if (us >= 4945729 &amp;&amp; us &lt; 5015729) n++ } END { print n }'</c> = 287.
    /// </summary>
    [Fact]
    public void Window_restricts_stats_and_report_to_the_same_events()
    {
        var stats = CliRun.Invoke("stats", Light, "--window", "30ms..100ms", "--json");
        var report = CliRun.Invoke("report", Light, "--window", "30ms..100ms");

        Assert.Equal(0, stats.ExitCode);
        Assert.Equal(287, JsonDocument.Parse(stats.Output).RootElement.GetProperty("event_count").GetInt64());
        Assert.Contains(": 287 events over 69.72ms, window 30ms..100ms", report.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5", "expected START..END")]
    [InlineData("1..2", "'1' has no unit: write it as 1s")]
    [InlineData("2s..1s", "the end must come after the start")]
    public void A_window_without_units_or_backwards_exits_2_naming_the_fix(string window, string message)
    {
        var result = CliRun.Invoke("report", Light, "--window", window);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    /// <summary>The capture lasts about 1 s: a window from 5 s holds nothing, which is an error, not an empty report.</summary>
    [Fact]
    public void A_window_past_the_end_exits_2()
    {
        var result = CliRun.Invoke("report", Light, "--window", "5s..");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nothing inside window 5s..", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The process's own tasks and the binder events naming it. This capture has no TGID column, so its other
    /// threads are known from binder events that pair them with it (<c>to 268:270</c> of binder_txn_latency_free,
    /// <c>dest_proc=268 dest_thread=T</c>), from that event on. Counted with awk:
    /// <c>zcat trace.txt.gz | grep -v '^#' | awk '{ pid = ""; if (match($0, /-[0-9]+ +\[/)) { pid = substr($0, RSTART+1, RLENGTH-1); sub(/ +\[/, "", pid) }
    /// line = $0; while (match(line, /(to|from) 268:[1-9][0-9]*/)) { s = substr(line, RSTART, RLENGTH); sub(/.*:/, "", s); mine[s] = 1; line = substr(line, RSTART+RLENGTH) }
    /// if (match($0, /dest_proc=268 dest_thread=[1-9][0-9]*/)) { s = substr($0, RSTART, RLENGTH); sub(/.*=/, "", s); mine[s] = 1 }
    /// if (pid == "268" || $0 ~ /proc=268 |dest_proc=268 | to 268:| from 268:/ || (pid in mine)) n++ } END { print n }'</c> = 4180
    /// (2828 with the main thread and the naming events only, <c>grep -cE -- '-268 +\[|proc=268 |dest_proc=268 | to 268:| from 268:'</c>).
    /// </summary>
    [Fact]
    public void Stats_proc_counts_the_events_of_the_process()
    {
        var result = CliRun.Invoke("stats", Light, "--proc", "268", "--json");
        var unknown = CliRun.Invoke("stats", Light, "--proc", "99999");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(4180, JsonDocument.Parse(result.Output).RootElement.GetProperty("event_count").GetInt64());
        Assert.Equal(2, unknown.ExitCode);
    }

    /// <summary>
    /// The same focus on both sides of a comparison: the server's installs in phase B,
    /// <c>zcat trace.txt.gz | sed -n '/phase B-contention begin/,/phase B-contention end/p' | grep -c 'binder_alloc_page_end: proc=268 '</c>
    /// = 58 (no raced install in that phase). A saved report cannot be narrowed after the fact.
    /// </summary>
    [Fact]
    public void Compare_and_gate_take_proc_and_phase_and_refuse_them_on_saved_reports()
    {
        var folder = Directory.CreateTempSubdirectory("bt-focus-");
        try
        {
            var saved = Path.Combine(folder.FullName, "light.json");
            File.WriteAllText(saved, CliRun.Invoke("report", Light, "--json").Output);

            var compare = CliRun.Invoke("compare", "--baseline", Light, "--candidate", Light, "--proc", "268", "--phase", "B-contention", "--json");
            var onSaved = CliRun.Invoke("compare", "--baseline", saved, "--candidate", saved, "--proc", "268");

            Assert.NotEqual(2, compare.ExitCode);
            Assert.Equal(58, JsonDocument.Parse(compare.Output).RootElement.GetProperty("metrics").EnumerateArray()
                .Single(m => m.GetProperty("metric").GetString() == "pages.installs").GetProperty("baseline").GetDouble());
            Assert.Equal(2, onSaved.ExitCode);
            Assert.Contains("a saved report cannot be narrowed again", onSaved.Error, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IEnumerable<int> WorkloadProcesses(string capture) =>
        File.ReadLines(Path.Combine(RepositoryPaths.SharedCaptureFolder("6.12.107+deb13-amd64", capture), "workload.log"))
            .Where(line => line.StartsWith("ROLE ", StringComparison.Ordinal))
            .Select(line => int.Parse(line.Split(' ').Single(w => w.StartsWith("tgid=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture))
            .Distinct()
            .Order();
}
