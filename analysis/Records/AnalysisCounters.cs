namespace BinderTrace.Analysis.Records;

/// <summary>
/// Named data-quality counters of the analysis (Perfetto's stats table): every event the trackers could not
/// fit into a timeline — an end without a start, an event for a page in an unexpected state, a hold still open
/// when events were lost — is counted under a stable snake_case name instead of failing.
/// Only anomalies go through here, so the dictionary lookup is off the hot path.
/// </summary>
public sealed class AnalysisCounters
{
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Increment(string name, long by = 1)
    {
        if (by != 0)
        {
            _counts[name] = _counts.GetValueOrDefault(name) + by;
        }
    }

    public long this[string name] => _counts.GetValueOrDefault(name);

    /// <summary>All non-zero counters in ordinal name order.</summary>
    public IReadOnlyCollection<KeyValuePair<string, long>> All => _counts;
}
