using BinderTrace.Comparison;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Tests;

public sealed class ComparisonSampleSinkTests
{
    [Fact]
    public void Lock_rows_go_to_their_mode_family_and_binder_rows_also_to_the_binder_family()
    {
        var sink = new MetricSampleSink();
        sink.OnLockHold(new MmapLockHold(1, "app", 0x10, LockMode.Write, Binder: true, StartNs: 100, EndNs: 150));
        sink.OnLockHold(new MmapLockHold(2, "other", 0x10, LockMode.Write, Binder: false, StartNs: 50, EndNs: 60));
        sink.OnLockHold(new MmapLockHold(2, "other", 0x10, LockMode.Read, Binder: false, StartNs: 70, EndNs: 75));
        sink.OnLockWait(new MmapLockWait(1, "app", 0x10, LockMode.Write, Binder: true, Success: true, StartNs: 90, EndNs: 100));

        var samples = sink.ToSamples();

        // Writes: 10 ns (t=50) and 50 ns (t=100), in start-time order.
        Assert.Equal([10.0, 50.0], samples["mmap_lock.hold_ns.write"].Values);
        Assert.Equal([50L, 100L], samples["mmap_lock.hold_ns.write"].StartTimes);
        Assert.Equal([50.0], samples["mmap_lock.binder.hold_ns.write"].Values);
        Assert.Equal([5.0], samples["mmap_lock.hold_ns.read"].Values);
        Assert.Equal([10.0], samples["mmap_lock.binder.wait_ns.write"].Values);
        Assert.False(samples.ContainsKey("mmap_lock.binder.hold_ns.read"));
    }

    [Fact]
    public void Page_intervals_and_transactions_with_unknown_ends_are_left_out()
    {
        var sink = new MetricSampleSink();
        sink.OnPageInterval(new PageInterval(1, 0, PageState.Lru, 1_000, 4_000));
        sink.OnPageInterval(new PageInterval(1, 1, PageState.Lru, -1, 4_000));
        sink.OnPageInterval(new PageInterval(1, 2, PageState.Active, 2_000, -1));
        sink.OnTransaction(new TransactionRecord(1, 10, 20, 21, false, false, 1, 64, 0, 1, SentNs: 500, ReceivedNs: 800, FreedNs: -1));
        sink.OnTransaction(new TransactionRecord(2, 10, 20, 21, false, true, 1, 64, 0, 0, SentNs: -1, ReceivedNs: 800, FreedNs: -1));

        var samples = sink.ToSamples();

        Assert.Equal([3_000.0], samples[MetricSampleSink.PageLruDwell].Values);
        Assert.False(samples.ContainsKey(MetricSampleSink.PageActive));
        Assert.Equal([300.0], samples[MetricSampleSink.TransactionDelivery].Values);
    }

    [Fact]
    public void Reservoir_memory_is_bounded_while_count_and_total_stay_exact()
    {
        var reservoir = new TimedReservoir(capacity: 1000, seed: 1);
        for (var i = 0; i < 100_000; i++)
        {
            reservoir.Add(i, i);
        }

        var samples = reservoir.ToSamples();

        Assert.Equal(1000, samples.SampleCount);
        Assert.Equal(100_000, samples.PopulationCount);
        Assert.Equal(99_999.0 * 100_000 / 2, samples.PopulationTotal);
        Assert.Equal(100.0, samples.TotalScale);
        Assert.True(samples.StartTimes.Zip(samples.StartTimes.Skip(1)).All(p => p.First < p.Second));

        // A uniform sample of 0..99999 has mean 49999.5 and standard error 28867 / sqrt(1000) = 913;
        // 4000 is more than four standard errors.
        Assert.InRange(samples.Values.Average(), 45_999.5, 53_999.5);
    }
}
