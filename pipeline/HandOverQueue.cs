namespace BinderTrace.Pipeline;

/// <summary>
/// A bounded first-in first-out hand-over between threads whose waiters block at once instead of spinning
/// (BlockingCollection's semaphore spins and yields first). The pipeline runs more busy threads than a
/// 2-core machine has cores, so a spinning waiter only takes time from the thread it is waiting for.
/// </summary>
internal sealed class HandOverQueue<T>
{
    private readonly Queue<T> _items;
    private readonly int _capacity;
    private readonly object _gate = new();

    public HandOverQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _items = new Queue<T>(capacity);
    }

    /// <summary>Adds <paramref name="item"/>, waiting for room; throws when <paramref name="cancellation"/> is cancelled while waiting.</summary>
    public void Add(T item, CancellationToken cancellation)
    {
        lock (_gate)
        {
            while (_items.Count >= _capacity)
            {
                cancellation.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }

            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Takes the oldest item, waiting for one; throws when <paramref name="cancellation"/> is cancelled while waiting.</summary>
    public T Take(CancellationToken cancellation)
    {
        lock (_gate)
        {
            while (_items.Count == 0)
            {
                cancellation.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }

            var item = _items.Dequeue();
            Monitor.PulseAll(_gate);
            return item;
        }
    }

    /// <summary>Wakes every waiter, so that one waiting on a token that has just been cancelled sees it.</summary>
    public void WakeAll()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }
}
