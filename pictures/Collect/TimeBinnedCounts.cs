namespace BinderTrace.Pictures.Collect;

/// <summary>
/// Event counts per time bin with at most <see cref="MaxBins"/> non-empty bins: bins are aligned to multiples of
/// their width, and the width doubles (neighbouring bins merge) whenever one more bin would exceed the cap. Arrival
/// order does not matter, so events closed out of time order still land in the right bin.
/// </summary>
internal sealed class TimeBinnedCounts(int maxBins = 400)
{
    private Dictionary<long, long> _counts = [];

    public int MaxBins { get; } = maxBins;

    public long WidthNs { get; private set; } = 1000;

    public long Total { get; private set; }

    public void Add(long timestampNs)
    {
        Total++;
        var key = Math.Max(timestampNs, 0) / WidthNs;
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
        while (_counts.Count > MaxBins)
        {
            WidthNs *= 2;
            var merged = new Dictionary<long, long>();
            foreach (var (bin, count) in _counts)
            {
                merged[bin / 2] = merged.GetValueOrDefault(bin / 2) + count;
            }

            _counts = merged;
        }
    }

    /// <summary>Non-empty bins as (start ns, count), in time order.</summary>
    public IEnumerable<(long StartNs, long Count)> Bins => _counts.OrderBy(b => b.Key).Select(b => (b.Key * WidthNs, b.Value));
}
