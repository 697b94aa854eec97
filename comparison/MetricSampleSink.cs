using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Comparison;

/// <summary>
/// Collects, per metric family, durations with their start times from the analysis' detailed rows, for the
/// single-run (block bootstrap) comparison. Family names are the report's distribution paths where the
/// report has one (<c>mmap_lock.binder.hold_ns.write</c>), so <c>…p99</c> in the report and the samples of
/// <c>…</c> describe the same thing. Memory: one <see cref="TimedReservoir"/> per family that has data,
/// each at most <see cref="TimedReservoir.DefaultCapacity"/> pairs (128 KiB) whatever the trace length; the
/// capacity bounds the bootstrap's cost too (every replicate is sorted).
/// Rows with an unknown start or end (trace began or ended inside them) are left out.
/// </summary>
internal sealed class MetricSampleSink : IAnalysisSink
{
    /// <summary><c>binder_transaction</c> → <c>binder_transaction_received</c>, as the report's distribution of that name.</summary>
    public const string TransactionDelivery = "transactions.delivery_ns";

    /// <summary>Page install latencies, the report's distribution of that name.</summary>
    public const string PageInstall = "pages.install_ns";

    public const string PageActive = "pages.active_ns";
    public const string PageLruDwell = "pages.lru_dwell_ns";
    /// <summary>Free intervals with both ends seen: reclaimed until installed again, the report's distribution of that name.</summary>
    public const string PageReinstallAfterReclaim = "pages.reinstall_after_reclaim_ns";

    private readonly Dictionary<string, TimedReservoir> _families = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly int _seed;

    public MetricSampleSink(int capacity = TimedReservoir.DefaultCapacity, int seed = CircularBlockBootstrap.DefaultSeed)
    {
        _capacity = capacity;
        _seed = seed;
    }

    public static string LockFamily(bool binderOnly, bool hold, LockMode mode) =>
        (binderOnly, hold, mode) switch
        {
            (false, true, LockMode.Read) => "mmap_lock.hold_ns.read",
            (false, true, LockMode.Write) => "mmap_lock.hold_ns.write",
            (false, false, LockMode.Read) => "mmap_lock.wait_ns.read",
            (false, false, LockMode.Write) => "mmap_lock.wait_ns.write",
            (true, true, LockMode.Read) => "mmap_lock.binder.hold_ns.read",
            (true, true, LockMode.Write) => "mmap_lock.binder.hold_ns.write",
            (true, false, LockMode.Read) => "mmap_lock.binder.wait_ns.read",
            _ => "mmap_lock.binder.wait_ns.write",
        };

    public void OnPageInterval(in PageInterval interval)
    {
        var duration = interval.DurationNs;
        if (duration < 0)
        {
            return;
        }

        var family = interval.State switch
        {
            PageState.Active => PageActive,
            PageState.Lru => PageLruDwell,
            _ => PageReinstallAfterReclaim,
        };
        Add(family, interval.StartNs, duration);
    }

    public void OnPageInstall(long startNs, long latencyNs) => Add(PageInstall, startNs, latencyNs);

    public void OnLockHold(in MmapLockHold hold)
    {
        Add(LockFamily(binderOnly: false, hold: true, hold.Mode), hold.StartNs, hold.DurationNs);
        if (hold.Binder)
        {
            Add(LockFamily(binderOnly: true, hold: true, hold.Mode), hold.StartNs, hold.DurationNs);
        }
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        Add(LockFamily(binderOnly: false, hold: false, wait.Mode), wait.StartNs, wait.DurationNs);
        if (wait.Binder)
        {
            Add(LockFamily(binderOnly: true, hold: false, wait.Mode), wait.StartNs, wait.DurationNs);
        }
    }

    public void OnTransaction(TransactionRecord transaction)
    {
        if (transaction.SentNs >= 0 && transaction.ReceivedNs >= transaction.SentNs)
        {
            Add(TransactionDelivery, transaction.SentNs, transaction.ReceivedNs - transaction.SentNs);
        }
    }

    /// <summary>The collected samples per family, each sorted by start time.</summary>
    public IReadOnlyDictionary<string, TimedSamples> ToSamples() =>
        _families.ToDictionary(pair => pair.Key, pair => pair.Value.ToSamples(), StringComparer.Ordinal);

    private void Add(string family, long startNs, long durationNs)
    {
        if (durationNs < 0)
        {
            return;
        }

        if (!_families.TryGetValue(family, out var reservoir))
        {
            reservoir = new TimedReservoir(_capacity, _seed);
            _families.Add(family, reservoir);
        }

        reservoir.Add(startNs, durationNs);
    }
}
