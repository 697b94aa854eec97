namespace BinderTrace.Parsers.TraceDat;

/// <summary>One CPU's ring-buffer pages in the file: raw pages, or (compressed) a chunk table then chunks.</summary>
internal readonly record struct CpuRegion(int Cpu, long Offset, long Size);

/// <summary>trace-cmd's TSC2NSEC option: <c>ns = ((ticks * mult) &gt;&gt; shift) + offset</c> (FORMATS.md §2.4).</summary>
internal readonly record struct TscConversion(uint Mult, int Shift, long Offset);

/// <summary>Where a ring-buffer page keeps its timestamp, commit word and data (from <c>header_page</c>).</summary>
internal readonly record struct PageLayout(int TimestampOffset, int CommitOffset, int CommitSize, int DataOffset);

/// <summary>Everything a trace.dat file says about its events before the first ring-buffer page.</summary>
internal sealed class TraceDatLayout
{
    public int Version { get; init; }

    public bool BigEndian { get; init; }

    /// <summary>Ring-buffer page size in bytes (the top instance's).</summary>
    public int PageSize { get; set; }

    /// <summary>"none", "zstd" or "zlib".</summary>
    public string Compression { get; set; } = "none";

    public PageLayout Page { get; set; }

    /// <summary>The kernel's long size (the commit word's size in header_page): 4 or 8.</summary>
    public int KernelLongSize => Page.CommitSize;

    public Dictionary<int, EventFormat> FormatsById { get; } = [];

    /// <summary>pid → comm from the saved_cmdlines blob.</summary>
    public Dictionary<int, string> Comms { get; } = [];

    public List<CpuRegion> TopInstanceCpus { get; } = [];

    /// <summary>True when the top instance's flyrecord section is compressed in chunks (v7).</summary>
    public bool TopInstanceCompressed { get; set; }

    public List<string> OtherInstances { get; } = [];

    public int CpuCount { get; set; }

    /// <summary>The trace clock (<c>local</c>, <c>global</c>, <c>x86-tsc</c>…) or null when the file does not say.</summary>
    public string? Clock { get; set; }

    /// <summary>Nanoseconds added to every timestamp (OFFSET option).</summary>
    public long TimestampOffset { get; set; }

    public TscConversion? Tsc2Nsec { get; set; }
}
