namespace BinderTrace.Allocator.Model;

/// <summary>The page ranges the kernel derives from a buffer (KERNEL.md §1, §2, §3); shared by every C design.</summary>
public static class PageRanges
{
    /// <summary>
    /// Pages an allocation takes off the LRU (and, on 6.1, installs): <c>[PAGE_ALIGN(user_data),
    /// min(PAGE_ALIGN(user_data + size), (user_data + free_buffer_size) &amp; PAGE_MASK))</c>. The first partial
    /// page and the page holding the next buffer's start are excluded (the boundary-page rule). End may be below
    /// start: 6.8+ still traces that range, with a wrapped size.
    /// </summary>
    public static PageSpan ForAllocation(in BufferAllocation a) => new(
        BufferSpace.PageAlign(a.Offset),
        Math.Min(BufferSpace.PageAlign(a.Offset + a.Size), BufferSpace.PageDown(a.Offset + a.FreeBufferSize)));

    /// <summary>6.8+ <c>binder_install_buffer_pages</c>: every page the buffer touches, first partial page included.</summary>
    public static PageSpan ForInstallScan(in BufferAllocation a) =>
        new(BufferSpace.PageDown(a.Offset), BufferSpace.PageAlign(a.Offset + a.Size));

    public static long FirstPage(in PageSpan span) => span.Start / BufferSpace.PageSize;

    /// <summary>One past the last page index, never below <see cref="FirstPage"/>.</summary>
    public static long EndPage(in PageSpan span) => Math.Max(span.End, span.Start) / BufferSpace.PageSize;

    /// <summary>What <c>binder_update_page_range</c> prints as size: <c>end - start</c> as an unsigned size_t.</summary>
    public static ulong TracedSize(in PageSpan span) => unchecked((ulong)(span.End - span.Start));
}
