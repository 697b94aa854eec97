using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;

namespace BinderTrace.Tests;

/// <summary>Hand-built transactions; delivery = received − sent, round trip = reply received − request sent.</summary>
public sealed class TransactionTrackerTests
{
    private const int Server = 100;
    private const int ClientProc = 200;
    private const int ClientThread = 201;
    private const int ServerThread = 101;

    /// <summary>
    /// Client thread 201 sends transaction 10 at 1000, installs pages 0 and 1 of the server (1010..1020, 1030..1040),
    /// allocates 5000 + 16 bytes (alloc_buf at 1050); server thread 101 receives at 1100 and replies (transaction 11)
    /// at 1200, received by 201 at 1300; both are freed. Delivery 100 (request) and 100 (reply); round trip 300.
    /// </summary>
    [Fact]
    public void A_two_way_call_is_reconstructed_with_its_pages_sizes_and_latencies()
    {
        var trace = new TestTrace()
            .Transaction(1000, ClientThread, 10, Server)
            .PageOp(1010, 1020, ClientThread, EventKind.BinderAllocPageStart, Server, 0)
            .PageOp(1030, 1040, ClientThread, EventKind.BinderAllocPageStart, Server, 1)
            .AllocBuf(1050, ClientThread, 10, 5000, 16)
            .Received(1100, ServerThread, 10)
            .Transaction(1200, ServerThread, 11, ClientProc, toThread: ClientThread, reply: true)
            .AllocBuf(1210, ServerThread, 11, 8)
            .Received(1300, ClientThread, 11)
            .Freed(1310, ClientThread, 10, Server)
            .Freed(1400, ClientThread, 11, ClientProc);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        Assert.Equal(
            [
                new TransactionRecord(10, ClientThread, Server, 0, false, false, 1, 5000, 16, 2, 1000, 1100, 1310),
                new TransactionRecord(11, ServerThread, ClientProc, ClientThread, true, false, 1, 8, 0, 0, 1200, 1300, 1400) { RequestDebugId = 10 },
            ],
            sink.Transactions);
        var t = report.Transactions;
        Assert.Equal((2L, 1L, 0L, 2L, 1L), (t.Count, t.Replies, t.OneWay, t.PagesInstalled, t.WithPageInstalls));
        Assert.Equal((2L, 200L), (t.DeliveryNs.Count, t.DeliveryNs.Total));
        Assert.Equal((1L, 300L), (t.RoundTripNs.Count, t.RoundTripNs.Total));
    }

    /// <summary>A transaction never freed in the trace is still reported at the end, and counted as in flight.</summary>
    [Fact]
    public void Transactions_still_in_flight_at_the_end_are_reported_and_counted()
    {
        var trace = new TestTrace().Transaction(1000, ClientThread, 10, Server, oneway: true);
        var sink = trace.AnalyzeRows();
        var report = trace.Analyze();

        var record = Assert.Single(sink.Transactions);
        Assert.True(record.Oneway);
        Assert.Equal((-1L, -1L), (record.ReceivedNs, record.FreedNs));
        Assert.Equal(1, report.Counters["transactions_in_flight_at_trace_end"]);
    }

    /// <summary>
    /// --proc keeps transactions to that process and the replies to them: of 10 (to 100), its reply 11 (to the
    /// client, answering 10) and 12 (to 300 from task 301), 10 and 11 remain.
    /// </summary>
    [Fact]
    public void The_process_filter_keeps_transactions_to_that_process_and_their_replies()
    {
        var sink = new TestTrace()
            .Transaction(1000, ClientThread, 10, Server)
            .Received(1100, ServerThread, 10)
            .Transaction(1200, ServerThread, 11, ClientProc, toThread: ClientThread, reply: true)
            .Transaction(1300, 301, 12, 300)
            .AnalyzeRows(new() { Proc = Server });

        Assert.Equal([10, 11], sink.Transactions.Select(t => t.DebugId).Order());
    }

    /// <summary>
    /// The tracker reuses a transaction's record once it is emitted: the next one starts clean. 10 has two pages, a
    /// buffer, a receipt and a reply (11) answering it; 12, sent after both are freed, has none of those.
    /// </summary>
    [Fact]
    public void A_transaction_after_a_finished_one_starts_with_nothing_of_it()
    {
        var sink = new TestTrace()
            .Transaction(1000, ClientThread, 10, Server)
            .PageOp(1010, 1020, ClientThread, EventKind.BinderAllocPageStart, Server, 0)
            .AllocBuf(1050, ClientThread, 10, 5000, 16)
            .Received(1100, ServerThread, 10)
            .Transaction(1200, ServerThread, 11, ClientProc, toThread: ClientThread, reply: true)
            .Received(1300, ClientThread, 11)
            .Freed(1310, ClientThread, 10, Server)
            .Freed(1400, ClientThread, 11, ClientProc)
            .Transaction(2000, 301, 12, 300, oneway: true)
            .Freed(2100, 301, 12, 300)
            .AnalyzeRows();

        Assert.Equal(new TransactionRecord(12, 301, 300, 0, false, true, 1, -1, -1, 0, 2000, -1, 2100), sink.Transactions[^1]);
    }

    /// <summary>
    /// Memory must not grow with the trace beyond the analysis state. One object per transaction was nearly all of
    /// report's allocation on large traces (about 100 bytes each). Past the first 10,000, another 10,000 finished
    /// transactions (sent, received, freed) may allocate at most 64 KiB: under 7 bytes each.
    /// </summary>
    [Fact]
    public void Finished_transactions_allocate_nothing_per_transaction()
    {
        var trace = new TestTrace();
        for (var i = 0; i < 20_000; i++)
        {
            var sent = 1000L * i;
            trace.Transaction(sent, ClientThread, i, Server).Received(sent + 100, ServerThread, i).Freed(sent + 200, ClientThread, i, Server);
        }

        var events = trace.Events;
        var tracker = new TransactionTracker(new AnalysisCounters(), sink: null, procFilter: null);
        var half = events.Count / 2;
        for (var i = 0; i < half; i++)
        {
            tracker.OnEvent(events[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = half; i < events.Count; i++)
        {
            tracker.OnEvent(events[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 << 10, $"{allocated} bytes for 10,000 transactions");
        Assert.Equal(20_000, tracker.Statistics.Count);
    }
}
