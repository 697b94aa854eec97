namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// Pending wake-ups as a binary min-heap on (time, insertion sequence). Keys are unique, so the pop order is fully
/// determined; comparisons are inline (no comparer interface on the hot path).
/// </summary>
internal sealed class Timeline
{
    private Entry[] _heap = new Entry[64];
    private long _nextSeq;

    public int Count { get; private set; }

    /// <summary>Time of the earliest entry, or long.MaxValue when empty.</summary>
    public long PeekTime => Count > 0 ? _heap[0].Time : long.MaxValue;

    public void Push(long time, SimTask task, bool needsCpu)
    {
        if (Count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var entry = new Entry(time, _nextSeq++, task, needsCpu);
        var at = Count++;
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            if (!Before(entry, _heap[parent]))
            {
                break;
            }

            _heap[at] = _heap[parent];
            at = parent;
        }

        _heap[at] = entry;
    }

    public bool TryPop(out long time, out SimTask task, out bool needsCpu)
    {
        if (Count == 0)
        {
            time = 0;
            task = null!;
            needsCpu = false;
            return false;
        }

        var top = _heap[0];
        var last = _heap[--Count];
        _heap[Count] = default;
        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Before(_heap[child + 1], _heap[child]))
            {
                child++;
            }

            if (!Before(_heap[child], last))
            {
                break;
            }

            _heap[at] = _heap[child];
            at = child;
        }

        if (Count > 0)
        {
            _heap[at] = last;
        }

        time = top.Time;
        task = top.Task;
        needsCpu = top.NeedsCpu;
        return true;
    }

    private static bool Before(in Entry a, in Entry b) => a.Time < b.Time || (a.Time == b.Time && a.Seq < b.Seq);

    private readonly record struct Entry(long Time, long Seq, SimTask Task, bool NeedsCpu);
}
