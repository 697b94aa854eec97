using BinderTrace.Analysis.Quantiles;

namespace BinderTrace.Analysis.Pages;

/// <summary>Page counters and latency distributions of one binder process (one <c>binder_alloc</c>).</summary>
public sealed class ProcessPageStatistics
{
    public ProcessPageStatistics(int proc) => Proc = proc;

    public int Proc { get; }

    /// <summary>FREE → ACTIVE transitions (<c>binder_alloc_page_end</c> of a page that was not installed).</summary>
    public long Installs { get; internal set; }

    /// <summary>Install windows that ended on a page another task had already installed (6.8+ re-check path).</summary>
    public long RacedInstalls { get; internal set; }

    public long LruAdds { get; internal set; }

    public long LruRemoves { get; internal set; }

    public long Reclaims { get; internal set; }

    public long ReinstallsAfterReclaim { get; internal set; }

    /// <summary>Pages installed and in use right now (at trace end once the analysis finished).</summary>
    public int Active { get; internal set; }

    /// <summary>Installed pages on the LRU freelist right now.</summary>
    public int Lru { get; internal set; }

    public int Resident => Active + Lru;

    public int PeakResident { get; internal set; }

    public int PeakLru { get; internal set; }

    /// <summary><c>binder_alloc_page_start</c> → <c>_end</c> of real installs.</summary>
    public DurationDistribution InstallNs { get; } = new();

    /// <summary>Time on the LRU until the page was reused or reclaimed.</summary>
    public DurationDistribution LruDwellNs { get; } = new();

    /// <summary>First <c>binder_unmap_*_start</c> → last <c>binder_unmap_*_end</c> of one page reclaim.</summary>
    public DurationDistribution ReclaimNs { get; } = new();

    /// <summary>Reclaim → next install of the same page (thrash: small values mean the shrinker freed a page still needed).</summary>
    public DurationDistribution ReinstallAfterReclaimNs { get; } = new();

    public PageCountSeries Series { get; } = new();

    internal void Record(long timestamp)
    {
        PeakResident = Math.Max(PeakResident, Resident);
        PeakLru = Math.Max(PeakLru, Lru);
        Series.Record(timestamp, Active, Lru);
    }

    /// <summary>Adds another process's numbers (used for all-process totals; peaks are set from the tracker's own all-process peaks).</summary>
    public void Add(ProcessPageStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Installs += other.Installs;
        RacedInstalls += other.RacedInstalls;
        LruAdds += other.LruAdds;
        LruRemoves += other.LruRemoves;
        Reclaims += other.Reclaims;
        ReinstallsAfterReclaim += other.ReinstallsAfterReclaim;
        Active += other.Active;
        Lru += other.Lru;
        InstallNs.Add(other.InstallNs);
        LruDwellNs.Add(other.LruDwellNs);
        ReclaimNs.Add(other.ReclaimNs);
        ReinstallAfterReclaimNs.Add(other.ReinstallAfterReclaimNs);
    }
}

/// <summary>One sample of a process's page counts.</summary>
public readonly record struct PageCountSample(long TimestampNs, int Active, int Lru);

/// <summary>
/// Active and LRU page counts over time with bounded memory: every change is recorded until
/// <see cref="Capacity"/> samples exist, then every other sample is dropped and samples closer than
/// span / (Capacity / 2) to the previous one overwrite it, so a long trace keeps an evenly thinned outline of its whole span.
/// </summary>
public sealed class PageCountSeries
{
    public const int Capacity = 512;

    private readonly List<PageCountSample> _samples = [];
    private long _minSpacing = 1;

    public IReadOnlyList<PageCountSample> Samples => _samples;

    internal void Record(long timestamp, int active, int lru)
    {
        var sample = new PageCountSample(timestamp, active, lru);
        if (_samples.Count > 0 && timestamp - _samples[^1].TimestampNs < _minSpacing)
        {
            _samples[^1] = sample;
            return;
        }

        if (_samples.Count == Capacity)
        {
            var kept = 0;
            for (var i = 0; i < _samples.Count; i += 2)
            {
                _samples[kept++] = _samples[i];
            }

            _samples.RemoveRange(kept, _samples.Count - kept);
            _minSpacing = Math.Max(_minSpacing * 2, (timestamp - _samples[0].TimestampNs) / (Capacity / 2));
        }

        _samples.Add(sample);
    }
}
