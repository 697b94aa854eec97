namespace BinderTrace.Allocator.Model;

/// <summary>
/// The global <c>binder_alloc_lru</c> / <c>binder_freelist</c> (one list for all processes; list_lru adds at the
/// tail and the shrinker walks from the head). An intrusive doubly linked list over (process, page) node ids.
/// </summary>
public sealed class GlobalLru
{
    private const int PagesPerOwner = (int)(BufferSpace.MaxBufferSize / BufferSpace.PageSize);

    private int[] _prev = [];
    private int[] _next = [];
    private int _head = -1;
    private int _tail = -1;
    private int _owners;

    public int Count { get; private set; }

    /// <summary>Creates the page array of a new process registered on this LRU.</summary>
    public BinderPages CreatePages(int pageCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageCount, PagesPerOwner);
        var owner = _owners++;
        var needed = _owners * PagesPerOwner;
        if (_prev.Length < needed)
        {
            var size = Math.Max(needed, _prev.Length * 2);
            Array.Resize(ref _prev, size);
            Array.Resize(ref _next, size);
        }

        return new BinderPages(this, owner, pageCount);
    }

    /// <summary>The oldest entry, or false when empty.</summary>
    public bool TryPeekHead(out int owner, out long page) => TryDecode(_head, out owner, out page);

    /// <summary>The entry after (owner, page), for walks that skip busy entries.</summary>
    public bool TryNext(int owner, long page, out int nextOwner, out long nextPage) =>
        TryDecode(_next[Node(owner, page)], out nextOwner, out nextPage);

    internal void Append(int owner, long page)
    {
        var node = Node(owner, page);
        _prev[node] = _tail;
        _next[node] = -1;
        if (_tail >= 0)
        {
            _next[_tail] = node;
        }
        else
        {
            _head = node;
        }

        _tail = node;
        Count++;
    }

    internal void Remove(int owner, long page)
    {
        var node = Node(owner, page);
        var prev = _prev[node];
        var next = _next[node];
        if (prev >= 0)
        {
            _next[prev] = next;
        }
        else
        {
            _head = next;
        }

        if (next >= 0)
        {
            _prev[next] = prev;
        }
        else
        {
            _tail = prev;
        }

        Count--;
    }

    private static int Node(int owner, long page) => (owner * PagesPerOwner) + (int)page;

    private static bool TryDecode(int node, out int owner, out long page)
    {
        owner = node < 0 ? -1 : node / PagesPerOwner;
        page = node < 0 ? -1 : node % PagesPerOwner;
        return node >= 0;
    }
}
