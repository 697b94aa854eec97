using BinderTrace.Analysis.Signature;

namespace BinderTrace.Analysis.Fingerprint;

/// <summary>The allocator designs of KERNEL.md §2–§4 as seen in a trace.</summary>
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

/// <summary>Names used in reports and JSON (<c>fingerprint.design</c>).</summary>
public static class AllocatorDesignNames
{
    public static string Of(AllocatorDesign design) => design switch
    {
        AllocatorDesign.RangeRead => "range-read",
        AllocatorDesign.RangeWrite => "range-write",
        AllocatorDesign.PageWrite => "page-write",
        AllocatorDesign.PageConcurrent => "page-concurrent",
        AllocatorDesign.FaultDeferred => "fault-deferred",
        _ => "unknown",
    };
}

/// <summary>The inferred design, why, and the structural facts behind it.</summary>
public sealed record DesignFingerprint(AllocatorDesign Design, string Reason, StructuralSignature Evidence)
{
    public string DesignName => AllocatorDesignNames.Of(Design);
}
