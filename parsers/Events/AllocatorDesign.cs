namespace BinderTrace.Events;

/// <summary>The allocator designs of KERNEL.md §2–§4: what the analysis infers from a trace and what the reference allocator simulates.</summary>
public enum AllocatorDesign
{
    Unknown,

    /// <summary>6.1.0–6.1.30 (mainline 6.1–6.3): whole missing range installed under alloc->mutex + mmap read lock; a read lock per allocation for the VMA check.</summary>
    RangeRead,

    /// <summary>6.1.31+ (mainline 6.4–6.7): whole missing range installed under alloc->mutex + mmap write lock.</summary>
    RangeWrite,

    /// <summary>6.8–6.13: one mmap write lock per missing page, taken inside each install window.</summary>
    PageWrite,

    /// <summary>6.14+: concurrent installs under the per-VMA lock; mmap read lock only as a fallback.</summary>
    PageConcurrent,

    /// <summary>What-if (no kernel): the sender only allocates; the receiver's first touch maps pages in binder's fault handler.</summary>
    FaultDeferred,
}

/// <summary>The one name of each design: in reports and JSON (<c>fingerprint.design</c>) and on the command line (<c>simulate --allocator</c>).</summary>
public static class AllocatorDesignNames
{
    /// <summary>The designs with a name, in kernel order (<see cref="AllocatorDesign.Unknown"/> left out).</summary>
    public static IReadOnlyList<AllocatorDesign> Named { get; } =
        [AllocatorDesign.RangeRead, AllocatorDesign.RangeWrite, AllocatorDesign.PageWrite, AllocatorDesign.PageConcurrent, AllocatorDesign.FaultDeferred];

    public static string Of(AllocatorDesign design) => design switch
    {
        AllocatorDesign.RangeRead => "range-read",
        AllocatorDesign.RangeWrite => "range-write",
        AllocatorDesign.PageWrite => "page-write",
        AllocatorDesign.PageConcurrent => "page-concurrent",
        AllocatorDesign.FaultDeferred => "fault-deferred",
        _ => "unknown",
    };

    /// <summary>The design of a name, ignoring case; false for any other text (including "unknown").</summary>
    public static bool TryParse(string? name, out AllocatorDesign design)
    {
        foreach (var candidate in Named)
        {
            if (string.Equals(Of(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                design = candidate;
                return true;
            }
        }

        design = AllocatorDesign.Unknown;
        return false;
    }
}
