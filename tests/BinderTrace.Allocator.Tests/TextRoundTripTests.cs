using System.Buffers;
using System.Text;
using BinderTrace.Allocator.Output;
using BinderTrace.Allocator.Simulation;
using BinderTrace.Allocator.Workload;
using BinderTrace.Events;
using BinderTrace.Parsers;

namespace BinderTrace.Tests;

public sealed class TextRoundTripTests
{
    [Theory]
    [InlineData("range-write")]
    [InlineData("page-write")]
    [InlineData("page-concurrent")]
    public void Parsing_the_written_text_gives_back_the_in_memory_stream(string design)
    {
        var options = new SimulationOptions(design, WorkloadPresets.Contended, 5, 3_000_000);
        using var stream = new MemoryStream();
        SimulationTextWriter.Write(options, stream);
        stream.Position = 0;
        using var parsed = TraceReader.Open(stream, "sim.txt", new ParseOptions { Strict = true });
        using var memory = new SimulatedTraceSource(options);
        var n = 0;
        while (memory.TryRead(out var expected))
        {
            Assert.True(parsed.TryRead(out var actual), $"text ended after {n} events");
            Assert.Equal(Describe(expected), Describe(actual));
            n++;
        }

        Assert.False(parsed.TryRead(out _));
        Assert.True(parsed.Diagnostics.IsClean);
        Assert.True(n > 1000);
    }

    [Fact]
    public void Lines_follow_the_kernel_formats()
    {
        // Expected lines written by hand from the TP_printk formats (KERNEL.md §6, §7) and the column layout of
        // the captures ("%16s-%-7d [%03d] %s %5lu.%06lu: ").
        var h = new EventHeader(5_001_234_567, 2, 1001, -1, "srv_looper");
        var buffer = new ArrayBufferWriter<byte>();
        FtraceLineFormatter.WriteLine(buffer, TraceEvent.ForPageRange(h, 1000, false, 12288, ulong.MaxValue - 4095), 1);
        FtraceLineFormatter.WriteLine(buffer, TraceEvent.ForPage(h, EventKind.BinderAllocPageStart, 1000, 3), 0);
        FtraceLineFormatter.WriteLine(buffer, TraceEvent.ForMmapLock(h, EventKind.MmapLockAcquireReturned, 0x6c553d24, true, true, "/", 0), 0);
        FtraceLineFormatter.WriteLine(buffer, TraceEvent.ForMmapLock(h, EventKind.MmapLockReleased, 0x6c553d24, false, false, null, 1), 2);
        FtraceLineFormatter.WriteLine(buffer, TraceEvent.ForTxnLatencyFree(h, new TxnLatencyFreeEvent(7, 0, 0, 1000, 0, 0x1f, 0x1)), 0);
        FtraceLineFormatter.WriteLine(buffer, TraceEvent.ForTransaction(h, new TransactionEvent(8, 1, 1000, 0, 0, 0x1, 0x1f)), 0);
        Assert.Equal(
            "      srv_looper-1001    [002] ...1.     5.001234: binder_update_page_range: proc=1000 allocate=0 offset=12288 size=18446744073709547520\n" +
            "      srv_looper-1001    [002] .....     5.001234: binder_alloc_page_start: proc=1000 page_index=3\n" +
            "      srv_looper-1001    [002] .....     5.001234: mmap_lock_acquire_returned: mm=000000006c553d24 memcg_path=/ write=true success=true\n" +
            "      srv_looper-1001    [002] ...2.     5.001234: mmap_lock_released: mm=000000006c553d24 memcg_id=1 write=false\n" +
            "      srv_looper-1001    [002] .....     5.001234: binder_txn_latency_free: transaction=7 from 0:0 to 1000:0 flags=0x1f code=0x1\n" +
            "      srv_looper-1001    [002] .....     5.001234: binder_transaction: transaction=8 dest_node=1 dest_proc=1000 dest_thread=0 reply=0 flags=0x1 code=0x1f\n",
            Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    private static string Describe(in TraceEvent e) => e.Kind switch
    {
        EventKind.BinderUpdatePageRange => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.PageRange}",
        >= EventKind.BinderAllocLruStart and <= EventKind.BinderUnmapKernelEnd => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.Page}",
        EventKind.MmapLockStartLocking or EventKind.MmapLockAcquireReturned or EventKind.MmapLockReleased =>
            $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.MmapLock.Mm} {e.MmapLock.Write} {(e.Kind == EventKind.MmapLockAcquireReturned && e.MmapLock.Success)} {e.MmapLock.MemcgPath} {e.MmapLock.MemcgId}",
        EventKind.BinderTransaction => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.Transaction}",
        EventKind.BinderTxnLatencyFree => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.TxnLatencyFree}",
        EventKind.BinderTransactionAllocBuf or EventKind.BinderTransactionBufferRelease => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.Buffer}",
        _ => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Comm} {e.Name} {e.TransactionId}",
    };
}
