namespace BinderTrace.Pictures.Collect;

/// <summary>
/// The <see cref="Capacity"/> longest items offered so far (ties keep the earlier one), in memory bounded by the
/// capacity however many are offered: the Gantt's downsampling, which keeps what a reader looks for first.
/// </summary>
internal sealed class LongestIntervals<T>(int capacity)
{
    private readonly PriorityQueue<T, long> _shortestFirst = new();

    public int Capacity { get; } = capacity;

    /// <summary>Everything offered, kept or not.</summary>
    public long Offered { get; private set; }

    /// <summary>The shortest duration kept once the set is full (anything shorter was dropped), else 0.</summary>
    public long Threshold => _shortestFirst.Count == Capacity && _shortestFirst.TryPeek(out _, out var d) ? d : 0;

    public void Offer(T item, long durationNs)
    {
        Offered++;
        if (_shortestFirst.Count < Capacity)
        {
            _shortestFirst.Enqueue(item, durationNs);
        }
        else if (_shortestFirst.TryPeek(out _, out var shortest) && durationNs > shortest)
        {
            _shortestFirst.EnqueueDequeue(item, durationNs);
        }
    }

    public IReadOnlyList<T> Items => _shortestFirst.UnorderedItems.Select(e => e.Element).ToList();
}
