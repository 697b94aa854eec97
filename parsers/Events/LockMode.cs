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

/// <summary>The one spelling of a lock mode in every output (report JSON, tables, pictures, Parquet).</summary>
public static class LockModeNames
{
    public static string Of(LockMode mode) => mode == LockMode.Write ? "write" : "read";
}
