namespace BinderTrace.Comparison;

/// <summary>
/// A statistic of one trace's durations that a within-trace bootstrap can put an interval on. Quantiles are
/// nearest-rank, like the report's distributions (analysis/Quantiles). Extremes (min, max) are left out on
/// purpose: the bootstrap is not consistent for them.
/// </summary>
public enum SampleStatistic
{
    Mean,
    Median,
    P90,
    P99,

    /// <summary>Sum of all durations; from a thinned sample it is scaled up by population / sample size.</summary>
    Total,
}

internal static class SampleStatisticEvaluator
{
    /// <summary>The statistic for a report distribution field (<c>p50</c>, <c>p90</c>, <c>p99</c>, <c>total</c>, <c>mean</c>), if one exists.</summary>
    public static bool TryFromReportField(string field, out SampleStatistic statistic)
    {
        statistic = field switch
        {
            "p50" or "median" => SampleStatistic.Median,
            "p90" => SampleStatistic.P90,
            "p99" => SampleStatistic.P99,
            "total" => SampleStatistic.Total,
            "mean" => SampleStatistic.Mean,
            _ => (SampleStatistic)(-1),
        };
        return Enum.IsDefined(statistic);
    }

    /// <summary>
    /// Evaluates <paramref name="statistic"/> over <paramref name="sorted"/> (ascending).
    /// <paramref name="totalScale"/> multiplies <see cref="SampleStatistic.Total"/> (population / sample size).
    /// </summary>
    public static double EvaluateSorted(SampleStatistic statistic, ReadOnlySpan<double> sorted, double totalScale = 1)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        return statistic switch
        {
            SampleStatistic.Mean => Sum(sorted) / sorted.Length,
            SampleStatistic.Total => Sum(sorted) * totalScale,
            SampleStatistic.Median => NearestRank(sorted, 0.5),
            SampleStatistic.P90 => NearestRank(sorted, 0.9),
            _ => NearestRank(sorted, 0.99),
        };
    }

    /// <summary>The value at rank ⌈p·n⌉ of sorted values (Hyndman &amp; Fan 1996, definition 1).</summary>
    public static double NearestRank(ReadOnlySpan<double> sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }
}
