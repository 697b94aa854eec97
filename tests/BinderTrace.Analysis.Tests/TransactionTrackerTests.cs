using BinderTrace.Analysis.Records;
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
}
