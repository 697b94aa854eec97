namespace BinderTrace.Comparison;

/// <summary>
/// A uniform random sample of at most a fixed number of (start time, duration) pairs from a stream of any
/// length — reservoir sampling, Algorithm R (J. S. Vitter, "Random sampling with a reservoir", ACM TOMS
/// 11(1), 1985) — plus the exact count and total. Memory is fixed by the capacity, not by the trace length.
/// Thinning keeps the time order of the kept events, so a block bootstrap over them still sees runs of
/// neighbouring events (further apart in time the longer the trace). Seeded: the same stream gives the same sample.
/// </summary>
internal sealed class TimedReservoir
{
    public const int DefaultCapacity = 8192;

    private readonly long[] _startTimes;
    private readonly double[] _values;
    private readonly Random _random;
    private int _kept;

    public TimedReservoir(int capacity = DefaultCapacity, int seed = CircularBlockBootstrap.DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _startTimes = new long[capacity];
        _values = new double[capacity];
        _random = new Random(seed);
    }

    public long Count { get; private set; }

    public double Total { get; private set; }

    public void Add(long startNs, double value)
    {
        Count++;
        Total += value;
        if (_kept < _values.Length)
        {
            _startTimes[_kept] = startNs;
            _values[_kept++] = value;
            return;
        }

        var slot = _random.NextInt64(Count);
        if (slot < _values.Length)
        {
            _startTimes[slot] = startNs;
            _values[slot] = value;
        }
    }

    /// <summary>The kept pairs sorted by start time.</summary>
    public TimedSamples ToSamples()
    {
        var times = _startTimes.AsSpan(0, _kept).ToArray();
        var values = _values.AsSpan(0, _kept).ToArray();
        Array.Sort(times, values);
        return new TimedSamples(times, values, Count, Total);
    }
}
