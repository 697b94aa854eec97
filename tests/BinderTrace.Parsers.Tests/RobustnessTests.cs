using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers;
using FsCheck;
using FsCheck.Fluent;

namespace BinderTrace.Tests;

/// <summary>Bad input never crashes: lenient reading of damaged or arbitrary bytes ends normally or says it is no trace.</summary>
public class RobustnessTests
{
    private static readonly byte[] Sample = Encoding.UTF8.GetBytes(
        "# tracer: nop\n" +
        "       binder_wl-272     [003] ...1.     5.008726: binder_update_page_range: proc=268 allocate=1 offset=0 size=4096\n" +
        "       binder_wl-272     (    268) [003] .....     5.008954: binder_alloc_page_start: proc=268 page_index=0\n" +
        "          <idle>-0     [001] d..2  5.009000: sched_switch: prev_comm=a b prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=c next_pid=0 next_prio=120\n" +
        "CPU:1 [LOST 5 EVENTS]\n" +
        "       binder_wl-270     [002] .....     5.009400: binder_txn_latency_free: transaction=2 from 272:273 to 268:270 flags=0xb9 code=0x1\n" +
        "            init-1       [002] .....     5.009500: mmap_lock_acquire_returned: mm=000000006c553d24 memcg_id=1 write=true success=true\n");

    [Fact]
    public void Damaged_traces_are_read_to_the_end_without_exceptions()
    {
        // Overwrite a few bytes of a valid trace with arbitrary values (digits, separators, binary).
        var damage = Gen.ArrayOf(Gen.Zip(Gen.Choose(0, Sample.Length - 1), Gen.Choose(0, 255)));
        Prop.ForAll(damage.ToArbitrary(), edits =>
        {
            var bytes = (byte[])Sample.Clone();
            foreach (var (position, value) in edits)
            {
                bytes[position] = (byte)value;
            }

            return ReadsToTheEnd(bytes);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_bytes_are_read_to_the_end_without_exceptions()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));
        Prop.ForAll(bytes.ToArbitrary(), ReadsToTheEnd).QuickCheckThrowOnFailure();
    }

    /// <summary>Reading ends normally, or (for bytes that hold no trace at all) with the one error lenient mode has.</summary>
    private static bool ReadsToTheEnd(byte[] bytes)
    {
        try
        {
            using var source = TraceReader.Open(new MemoryStream(bytes), "fuzz", new ParseOptions { MaxLineBytes = 256 });
            var count = 0L;
            while (source.TryRead(out _))
            {
                count++;
            }

            return count == source.Diagnostics.EventsRead && source.Diagnostics.BytesRead <= bytes.Length;
        }
        catch (TraceFormatException error) when (error.Problem.StartsWith("no trace events found", StringComparison.Ordinal))
        {
            return true;
        }
    }
}
