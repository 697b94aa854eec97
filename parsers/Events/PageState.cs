namespace BinderTrace.Events;

/// <summary>
/// Page states of binder's allocator (KERNEL.md §1): not installed, installed and in use, installed on the LRU
/// freelist (reclaimable). The analysis reconstructs them from a trace; the reference allocator keeps them.
/// </summary>
public enum PageState : byte
{
    Free,
    Active,
    Lru,
}
