namespace BinderTrace.Pictures;

/// <summary>A span of trace time in nanoseconds, both ends inclusive; <see cref="All"/> is the whole trace.</summary>
public readonly record struct TimeWindow(long StartNs, long EndNs)
{
    public static TimeWindow All { get; } = new(long.MinValue, long.MaxValue);

    public bool IsAll => StartNs == long.MinValue && EndNs == long.MaxValue;

    /// <summary>True when [<paramref name="start"/>, <paramref name="end"/>] shares at least one instant with the window.</summary>
    public bool Overlaps(long start, long end) => start <= EndNs && end >= StartNs;
}
