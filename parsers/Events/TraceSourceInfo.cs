namespace BinderTrace.Events;

/// <summary>What kind of input a trace came from.</summary>
public enum TraceFormat
{
    Unknown,
    /// <summary><c>/sys/kernel/tracing/trace</c> (with the <c># tracer:</c> header).</summary>
    FtraceText,
    /// <summary><c>trace_pipe</c>: event lines with no header.</summary>
    FtracePipe,
    /// <summary><c>trace-cmd report</c> output (<c>cpus=N</c> preamble).</summary>
    TraceCmdReport,
    /// <summary>Android atrace output (<c>TRACE:</c> then ftrace text, possibly zlib-compressed).</summary>
    Atrace,
    /// <summary>Systrace HTML with the ftrace text inside a <c>trace-data</c> script block.</summary>
    SystraceHtml,
    /// <summary>trace-cmd's binary <c>trace.dat</c> (file version 6 or 7).</summary>
    TraceDat,
    /// <summary>Generated in memory by the reference allocator.</summary>
    ReferenceAllocator,
    /// <summary>A Perfetto protobuf trace (<c>.perfetto-trace</c>, <c>.pftrace</c>): its ftrace packets.</summary>
    Perfetto,
}

/// <summary>How timestamps must be read.</summary>
public enum TraceClockKind
{
    /// <summary>Printed as <c>sec.usec</c>: timestamps are nanoseconds (microsecond resolution in text).</summary>
    Nanoseconds,
    /// <summary>Printed as a raw integer (counter, x86-tsc, uptime): timestamps are clock ticks, not time.</summary>
    Ticks,
}

/// <summary>Facts about a trace known from its container and header, independent of its events.</summary>
public sealed class TraceSourceInfo
{
    public required string SourceName { get; init; }

    public TraceFormat Format { get; set; }

    /// <summary>True when the bytes were gzip (or zlib, for atrace) compressed.</summary>
    public bool Compressed { get; set; }

    public TraceClockKind Clock { get; set; } = TraceClockKind.Nanoseconds;

    /// <summary>CPU count from the header (<c>#P:N</c> or <c>cpus=N</c>), or null when absent.</summary>
    public int? HeaderCpuCount { get; set; }

    /// <summary>Names of the ring-buffer instances other than the top one that the file holds (trace.dat), not read.</summary>
    public IReadOnlyList<string> OtherInstances { get; set; } = [];

    /// <summary>Kernel or design label when known (the reference allocator sets it; real traces leave it null).</summary>
    public string? Kernel { get; set; }
}
