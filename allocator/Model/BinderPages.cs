using BinderTrace.Events;

namespace BinderTrace.Allocator.Model;

/// <summary>
/// The <c>alloc->pages</c> array of one process: each slot's state, whether a user PTE maps it, and its node on
/// the global LRU. "Installed" means the kernel published the page pointer; the PTE flag is separate because
/// 6.14+ inserts the PTE before publishing and the fault-deferred what-if publishes before any PTE exists.
/// </summary>
public sealed class BinderPages
{
    private readonly PageState[] _states;
    private readonly bool[] _mapped;
    private readonly GlobalLru _lru;

    internal BinderPages(GlobalLru lru, int owner, int pageCount)
    {
        _lru = lru;
        Owner = owner;
        _states = new PageState[pageCount];
        _mapped = new bool[pageCount];
    }

    /// <summary>The index the global LRU knows this process by.</summary>
    public int Owner { get; }

    public int Count => _states.Length;

    /// <summary>Highest page index + 1 ever used (<c>alloc->pages_high</c>).</summary>
    public int PagesHigh { get; private set; }

    public int ActiveCount { get; private set; }

    public int LruCount { get; private set; }

    public PageState StateOf(long page) => _states[page];

    public bool IsInstalled(long page) => _states[page] != PageState.Free;

    public bool IsMapped(long page) => _mapped[page];

    /// <summary>Publishes a freshly allocated page as in use (<c>binder_set_installed_page</c>).</summary>
    public void Install(long page, bool mapped)
    {
        if (_states[page] != PageState.Free)
        {
            throw new InvalidOperationException($"page {page} of proc slot {Owner} is already installed");
        }

        _states[page] = PageState.Active;
        _mapped[page] |= mapped;
        ActiveCount++;
        NoteUsed(page);
    }

    /// <summary>A user PTE now maps the page (6.14+ inserts before publishing; fault-deferred maps on first touch).</summary>
    public void Map(long page) => _mapped[page] = true;

    /// <summary><c>list_lru_del</c> when a reused page leaves the freelist.</summary>
    public void TakeFromLru(long page)
    {
        if (_states[page] != PageState.Lru)
        {
            throw new InvalidOperationException($"page {page} of proc slot {Owner} is not on the LRU");
        }

        _lru.Remove(Owner, page);
        _states[page] = PageState.Active;
        LruCount--;
        ActiveCount++;
        NoteUsed(page);
    }

    /// <summary><c>list_lru_add</c> when a buffer releases the page.</summary>
    public void PutOnLru(long page)
    {
        if (_states[page] != PageState.Active)
        {
            throw new InvalidOperationException($"page {page} of proc slot {Owner} is {_states[page]}, not in use");
        }

        _lru.Append(Owner, page);
        _states[page] = PageState.Lru;
        ActiveCount--;
        LruCount++;
    }

    /// <summary>The shrinker (or process exit) freed the page: it leaves the LRU, loses its PTE and its slot.</summary>
    public void Reclaim(long page)
    {
        if (_states[page] != PageState.Lru)
        {
            throw new InvalidOperationException($"page {page} of proc slot {Owner} is {_states[page]}, not reclaimable");
        }

        _lru.Remove(Owner, page);
        _states[page] = PageState.Free;
        _mapped[page] = false;
        LruCount--;
    }

    private void NoteUsed(long page)
    {
        if (page + 1 > PagesHigh)
        {
            PagesHigh = (int)page + 1;
        }
    }
}
