namespace BinderTrace.Events;

/// <summary>
/// How a lock is held: shared (a reader of mmap_lock) or exclusive (a writer). The analysis reads it from
/// <c>write=</c> of the mmap_lock events; the reference allocator's locks take it, a mutex or spinlock always as <see cref="Write"/>.
/// </summary>
public enum LockMode : byte
{
    Read,
    Write,
}
