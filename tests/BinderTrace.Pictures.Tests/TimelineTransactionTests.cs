using System.Text.Json;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Events;
using BinderTrace.Pictures.Timeline;

namespace BinderTrace.Tests;

/// <summary>
/// Transactions in the timeline: a two-way call from its send to the receipt of its reply, a reply and a one-way
/// transaction from send to receipt, and whatever has no end in the trace drawn to the trace's end, marked unfinished.
/// </summary>
public sealed class TimelineTransactionTests(CaptureOutputs outputs) : IClassFixture<CaptureOutputs>
{
    public static TheoryData<string> Kernels => TimelineTests.Kernels;

    private sealed record Drawn(string Kind, long StartNs, long EndNs, JsonElement Args);

    [Fact]
    public void A_hand_built_trace_draws_calls_to_their_reply_and_the_unfinished_to_the_trace_end()
    {
        // Client thread 100 (proc 99) calls proc 200; server thread 201 replies. Times in ns, worked out by hand below.
        var trace = new TestTrace()
            .Transaction(1000, 100, 10, toProc: 200)
            .Received(1100, 201, 10)
            .Transaction(1200, 201, 11, toProc: 99, toThread: 100, reply: true)
            .Freed(1210, 201, 10, 200)
            .Received(1300, 100, 11)
            .Freed(1310, 100, 11, 99)
            .Transaction(2000, 100, 12, toProc: 200)
            .Received(2100, 201, 12)
            .Transaction(3000, 300, 13, toProc: 200, oneway: true)
            .Received(3050, 202, 13)
            .Freed(3060, 202, 13, 200)
            .Transaction(4000, 300, 14, toProc: 200, oneway: true)
            .Marker(5000, "the trace's last event");

        var (document, counts) = Write(trace, new TimelineBudget());
        var drawn = Transactions(document).OrderBy(t => t.StartNs).ToList();

        Assert.Equal(
            [
                ("call", 1000L, 1300L, "reply received", false),   // call 10 ends when thread 100 receives reply 11
                ("reply", 1200L, 1300L, "received", false),
                ("call", 2000L, 5000L, "trace end", true),         // call 12 is never answered
                ("one-way", 3000L, 3050L, "received", false),
                ("one-way", 4000L, 5000L, "trace end", true),      // one-way 14 is never received
            ],
            drawn.Select(t => (t.Kind, t.StartNs, t.EndNs, t.Args.GetProperty("ends_at").GetString(), t.Args.GetProperty("unfinished").GetBoolean())));
        Assert.Equal(11, drawn[0].Args.GetProperty("reply_debug_id").GetInt32());
        Assert.Equal(1200, drawn[0].Args.GetProperty("reply_sent_ns").GetInt64());
        Assert.Equal((5L, 2L, 1L, 2L, 2L), (counts.Transactions, counts.Calls, counts.Replies, counts.OneWay, counts.UnfinishedTransactions));
        Assert.Equal(2, document.GetProperty("metadata").GetProperty("unfinished_transactions").GetInt64());
    }

    [Fact]
    public void A_reply_that_comes_before_its_call_still_ends_the_call_and_a_reused_id_leaves_the_earlier_call_unfinished()
    {
        // Records come in free order; lost events can put a reply's record before its call's. Times in ns.
        var drawn = new List<TransactionSlice>();
        var slices = new TransactionSlices(drawn.Add);
        var call = new TransactionRecord(20, 100, 200, 0, Reply: false, Oneway: false, 1, 8, 0, 0, SentNs: 1000, ReceivedNs: 1100, FreedNs: -1);
        var reply = new TransactionRecord(21, 201, 99, 100, Reply: true, Oneway: false, 1, 8, 0, 0, SentNs: 1200, ReceivedNs: 1300, FreedNs: 1310) { RequestDebugId = 20 };
        slices.Add(reply, lastNs: 1310, atTraceEnd: false);
        slices.Add(call, lastNs: 1400, atTraceEnd: false);

        // Debug id 30 is used twice: the first call gets no reply, drawn to the last event read when the second comes.
        slices.Add(call with { DebugId = 30, SentNs = 2000, ReceivedNs = 2100, FreedNs = -1 }, lastNs: 2200, atTraceEnd: false);
        slices.Add(call with { DebugId = 30, SentNs = 3000, ReceivedNs = 3100, FreedNs = -1 }, lastNs: 3300, atTraceEnd: false);
        slices.Finish(traceEndNs: 5000);

        Assert.Equal(
            [
                (TransactionSliceKind.Reply, 1200L, 1300L, false),
                (TransactionSliceKind.Call, 1000L, 1300L, false),
                (TransactionSliceKind.Call, 2000L, 3300L, true),
                (TransactionSliceKind.Call, 3000L, 5000L, true),
            ],
            drawn.Select(d => (d.Kind, d.Transaction.SentNs, d.EndNs, d.Unfinished)));
        Assert.Equal([TransactionSlices.GivenUp, TransactionSlices.TraceEnd], drawn.Skip(2).Select(d => d.EndsAt));
        Assert.Equal(2, slices.Unfinished);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Calls_replies_and_one_way_are_the_capture_s_binder_transaction_lines(string kernel)
    {
        // On each of the three captures:
        // zcat trace.txt.gz | grep 'binder_transaction:' | grep -c 'reply=0 flags=0x0 ' → 1643 (two-way calls)
        // zcat trace.txt.gz | grep 'binder_transaction:' | grep -c 'reply=0 flags=0x1 ' → 407 (one-way)
        // zcat trace.txt.gz | grep 'binder_transaction:' | grep -c 'reply=1 '          → 1643 (replies)
        var trace = CaptureOutputs.Capture(kernel);
        var document = Timeline(trace);
        var drawn = Transactions(document);
        var kinds = drawn.GroupBy(t => t.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1643, kinds["call"]);
        Assert.Equal(407, kinds["one-way"]);
        Assert.Equal(1643, kinds["reply"]);

        var report = outputs.Json("report", trace, "--json").GetProperty("transactions");
        Assert.Equal(report.GetProperty("count").GetInt64(), drawn.Count);
        Assert.Equal(report.GetProperty("replies").GetInt64(), kinds["reply"]);
        Assert.Equal(report.GetProperty("oneway").GetInt64(), kinds["one-way"]);

        // A call that ends at its reply's receipt is one round trip of the report, with the same duration.
        var roundTrips = drawn.Where(t => t.Kind == "call" && !t.Args.GetProperty("unfinished").GetBoolean()).ToList();
        Assert.Equal(report.GetProperty("round_trip_ns").GetProperty("count").GetInt64(), roundTrips.Count);
        Assert.Equal(report.GetProperty("round_trip_ns").GetProperty("total").GetInt64(), roundTrips.Sum(t => t.EndNs - t.StartNs));
        Assert.All(roundTrips, t => Assert.Equal(t.Args.GetProperty("reply_received_ns").GetInt64(), t.EndNs));

        // Everything else that is unfinished ends at the trace's last event, and is counted in the metadata.
        var metadata = document.GetProperty("metadata");
        var unfinished = drawn.Where(t => t.Args.GetProperty("unfinished").GetBoolean()).ToList();
        Assert.Equal(metadata.GetProperty("unfinished_transactions").GetInt64(), unfinished.Count);
        Assert.All(unfinished.Where(t => t.Args.GetProperty("ends_at").GetString() == "trace end"),
            t => Assert.Equal(metadata.GetProperty("last_ts").GetInt64(), t.EndNs));
    }

    private JsonElement Timeline(string trace)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(outputs.File(".json", "timeline", trace, "-o", "{file}")));
        return document.RootElement.Clone();
    }

    internal static (JsonElement Document, TimelineCounts Counts) Write(TestTrace trace, TimelineBudget budget)
    {
        using var output = new MemoryStream();
        TimelineCounts counts;
        using (var writer = new ChromeTraceWriter(output, new AnalysisOptions(), budget))
        {
            writer.OnEvents(trace.Events.ToArray());
            writer.OnEnd(new TraceSourceInfo { SourceName = "hand-built" }, new TraceDiagnostics());
            counts = writer.Counts!;
        }

        using var document = JsonDocument.Parse(output.ToArray());
        return (document.RootElement.Clone(), counts);
    }

    /// <summary>Async begin/end pairs in file order (each begin is followed by its end), times back in ns.</summary>
    private static List<Drawn> Transactions(JsonElement document)
    {
        var edges = document.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() is "b" or "e").ToList();
        var drawn = new List<Drawn>();
        for (var i = 0; i < edges.Count; i += 2)
        {
            Assert.Equal(("b", "e"), (edges[i].GetProperty("ph").GetString(), edges[i + 1].GetProperty("ph").GetString()));
            Assert.Equal(edges[i].GetProperty("id").GetString(), edges[i + 1].GetProperty("id").GetString());
            var args = edges[i].GetProperty("args");
            drawn.Add(new Drawn(args.GetProperty("kind").GetString()!, Ns(edges[i]), Ns(edges[i + 1]), args));
        }

        return drawn;
    }

    private static long Ns(JsonElement e) => decimal.ToInt64(e.GetProperty("ts").GetDecimal() * 1000);
}
