namespace BinderTrace.Comparison;

/// <summary>
/// One metric's durations from one trace in time order, possibly a uniform subsample of all of them
/// (<see cref="TimedReservoir"/>), with the exact count and total of the full population.
/// </summary>
public sealed class TimedSamples
{
    public TimedSamples(long[] startTimes, double[] values, long populationCount, double populationTotal)
    {
        ArgumentNullException.ThrowIfNull(startTimes);
        ArgumentNullException.ThrowIfNull(values);
        if (startTimes.Length != values.Length)
        {
            throw new ArgumentException("one start time per value", nameof(values));
        }

        StartTimes = startTimes;
        Values = values;
        PopulationCount = populationCount;
        PopulationTotal = populationTotal;
    }

    public static TimedSamples Empty { get; } = new([], [], 0, 0);

    /// <summary>Start times (ns), ascending.</summary>
    public long[] StartTimes { get; }

    /// <summary>Durations in the same order as <see cref="StartTimes"/>.</summary>
    public double[] Values { get; }

    public int SampleCount => Values.Length;

    /// <summary>How many durations the trace had, kept or not.</summary>
    public long PopulationCount { get; }

    /// <summary>Exact sum of all durations, kept or not.</summary>
    public double PopulationTotal { get; }

    /// <summary>Population / sample size: multiplies a sample sum into an estimate of the population total.</summary>
    public double TotalScale => SampleCount == 0 ? 0 : (double)PopulationCount / SampleCount;

    /// <summary>Builds samples from values already in time order (synthetic series, tests).</summary>
    public static TimedSamples FromSeries(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var times = new long[values.Count];
        var copy = new double[values.Count];
        var total = 0.0;
        for (var i = 0; i < copy.Length; i++)
        {
            times[i] = i;
            copy[i] = values[i];
            total += values[i];
        }

        return new TimedSamples(times, copy, copy.Length, total);
    }
}
