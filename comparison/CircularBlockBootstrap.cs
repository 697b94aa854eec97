namespace BinderTrace.Comparison;

/// <summary>
/// The circular block bootstrap (D. N. Politis and J. P. Romano, "A circular block-resampling procedure for
/// stationary data", in Exploring the Limits of Bootstrap, Wiley, 1992), a variant of H. R. Künsch's moving
/// block bootstrap ("The jackknife and the bootstrap for general stationary observations", Ann. Statist.
/// 17(3), 1989). Events of one trace are not independent — a stall makes the next holds long too — so
/// resampling single events understates the variability. Here the series (one trace's durations in time
/// order) is wrapped into a circle and rebuilt from blocks of consecutive events starting at uniformly drawn
/// positions, which keeps the dependence inside each block. Block length defaults to ⌈n^(1/3)⌉, the rate
/// that minimises the variance estimator's error (Hall, Horowitz &amp; Jing, Biometrika 82(3), 1995).
/// A block length of 1 is the ordinary (Efron) bootstrap. The generator is seeded, so results repeat.
/// </summary>
internal sealed class CircularBlockBootstrap
{
    public const int DefaultResamples = 1000;

    public const int DefaultSeed = 20260521;

    private readonly int _resamples;
    private readonly int _seed;

    public CircularBlockBootstrap(int resamples = DefaultResamples, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        _resamples = resamples;
        _seed = seed;
    }

    public static int DefaultBlockLength(int count) => Math.Max(1, (int)Math.Ceiling(Math.Cbrt(count)));

    /// <summary>
    /// Percentile intervals at <paramref name="level"/> for the change of each of <paramref name="statistics"/>
    /// between two independent traces, absolute (candidate − baseline) and relative (candidate / baseline − 1).
    /// Each side is resampled on its own; a replicate is sorted once (when a quantile is asked for) and all statistics read from it.
    /// A block length of 0 means <see cref="DefaultBlockLength"/> per side.
    /// </summary>
    public IReadOnlyList<BootstrapChange> Change(
        TimedSamples baseline, TimedSamples candidate, IReadOnlyList<SampleStatistic> statistics, double level, int blockLength = 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(statistics);
        if (baseline.SampleCount == 0 || candidate.SampleCount == 0)
        {
            return statistics.Select(_ => new BootstrapChange(ConfidenceInterval.None, ConfidenceInterval.None, 0)).ToList();
        }

        var random = new Random(_seed);
        var baselineBuffer = new double[baseline.SampleCount];
        var candidateBuffer = new double[candidate.SampleCount];
        var baselineBlock = blockLength > 0 ? blockLength : DefaultBlockLength(baseline.SampleCount);
        var candidateBlock = blockLength > 0 ? blockLength : DefaultBlockLength(candidate.SampleCount);
        var needsOrder = statistics.Any(s => s is not (SampleStatistic.Mean or SampleStatistic.Total));
        var absolute = new double[statistics.Count][];
        var relative = new double[statistics.Count][];
        for (var s = 0; s < statistics.Count; s++)
        {
            absolute[s] = new double[_resamples];
            relative[s] = new double[_resamples];
        }

        for (var r = 0; r < _resamples; r++)
        {
            Resample(baseline.Values, baselineBlock, baselineBuffer, random);
            Resample(candidate.Values, candidateBlock, candidateBuffer, random);
            if (needsOrder)
            {
                Array.Sort(baselineBuffer);
                Array.Sort(candidateBuffer);
            }

            for (var s = 0; s < statistics.Count; s++)
            {
                var b = SampleStatisticEvaluator.EvaluateSorted(statistics[s], baselineBuffer, baseline.TotalScale);
                var c = SampleStatisticEvaluator.EvaluateSorted(statistics[s], candidateBuffer, candidate.TotalScale);
                absolute[s][r] = c - b;
                relative[s][r] = RelativeChange.Between(b, c).Fraction;
            }
        }

        var block = Math.Max(baselineBlock, candidateBlock);
        var changes = new BootstrapChange[statistics.Count];
        for (var s = 0; s < statistics.Count; s++)
        {
            changes[s] = new BootstrapChange(Percentiles(absolute[s], level), Percentiles(relative[s], level), block);
        }

        return changes;
    }

    private static void Resample(ReadOnlySpan<double> series, int blockLength, Span<double> destination, Random random)
    {
        var n = series.Length;
        var block = Math.Min(blockLength, n);
        var filled = 0;
        while (filled < destination.Length)
        {
            var start = random.Next(n);
            var take = Math.Min(block, destination.Length - filled);
            for (var i = 0; i < take; i++)
            {
                var index = start + i;
                destination[filled++] = series[index >= n ? index - n : index];
            }
        }
    }

    private static ConfidenceInterval Percentiles(double[] replicates, double level)
    {
        Array.Sort(replicates);
        var tail = (1 - level) / 2;
        return new ConfidenceInterval(
            SampleStatisticEvaluator.NearestRank(replicates, tail),
            SampleStatisticEvaluator.NearestRank(replicates, 1 - tail),
            level);
    }
}

/// <summary>
/// Bootstrap intervals for a change: <see cref="Absolute"/> in the metric's unit, <see cref="Relative"/> as a
/// fraction of the baseline, and the block length used (the larger of the two sides').
/// </summary>
internal readonly record struct BootstrapChange(ConfidenceInterval Absolute, ConfidenceInterval Relative, int BlockLength);
