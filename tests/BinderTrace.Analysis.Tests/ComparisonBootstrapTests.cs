using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>
/// Coverage of the circular block bootstrap on synthetic series with a known answer. The true difference of
/// the two series' means is <see cref="Shift"/>; a 95 % interval should contain it in about 95 % of the
/// replications. For AR(1) with phi = 0.6 the long-run variance is 1/(1-phi)^2 = 6.25 against a marginal
/// variance of 1/(1-phi^2) = 1.5625, so an iid bootstrap's interval is half as wide as it should be and covers
/// P(|Z| &lt; 1.96 / 2) ≈ 67 % — the block bootstrap must do much better. Seeds are fixed, so these tests are
/// deterministic; they are in the Simulation trait (a few seconds).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ComparisonBootstrapTests
{
    private const double Shift = 0.5;
    private const int Replications = 200;

    [Fact]
    public void Block_bootstrap_covers_the_true_difference_for_iid_series()
    {
        var coverage = Coverage(phi: 0, length: 400, blockLength: 0);
        Assert.InRange(coverage, 0.89, 0.99);
    }

    [Fact]
    public void Block_bootstrap_covers_the_true_difference_for_AR1_series()
    {
        // Block length ceil(1000^(1/3)) = 10; its bias leaves about 0.92 expected coverage (Künsch 1989 eq. 3.4).
        var coverage = Coverage(phi: 0.6, length: 1000, blockLength: 0);
        Assert.InRange(coverage, 0.86, 0.99);
    }

    [Fact]
    public void Iid_bootstrap_under_covers_for_AR1_series()
    {
        var coverage = Coverage(phi: 0.6, length: 1000, blockLength: 1);
        Assert.InRange(coverage, 0.50, 0.80);
    }

    [Fact]
    public void Same_seed_gives_the_same_interval()
    {
        var random = new Random(7);
        var a = TimedSamples.FromSeries(Ar1(random, 0.5, 300, 0));
        var b = TimedSamples.FromSeries(Ar1(random, 0.5, 300, 1));
        var first = new CircularBlockBootstrap(200, seed: 11).Change(a, b, [SampleStatistic.P90], 0.95)[0];
        var second = new CircularBlockBootstrap(200, seed: 11).Change(a, b, [SampleStatistic.P90], 0.95)[0];
        Assert.Equal(first, second);
    }

    [Fact]
    public void Relative_interval_of_a_tripled_series_is_around_plus_two_hundred_percent()
    {
        // Candidate = 3 x baseline exactly, so every replicate of the mean ratio lies near 3 (independent resampling
        // of the two sides spreads it a little).
        var random = new Random(3);
        var baseline = Enumerable.Range(0, 500).Select(_ => 100 + random.NextDouble() * 20).ToArray();
        var change = new CircularBlockBootstrap(300).Change(
            TimedSamples.FromSeries(baseline), TimedSamples.FromSeries(baseline.Select(v => v * 3).ToArray()), [SampleStatistic.Mean], 0.95)[0];
        Assert.InRange(change.Relative.Lower, 1.9, 2.0);
        Assert.InRange(change.Relative.Upper, 2.0, 2.1);
    }

    private static double Coverage(double phi, int length, int blockLength)
    {
        var random = new Random(20260521);
        var bootstrap = new CircularBlockBootstrap(400, seed: 5);
        var covered = 0;
        for (var r = 0; r < Replications; r++)
        {
            var baseline = TimedSamples.FromSeries(Ar1(random, phi, length, 0));
            var candidate = TimedSamples.FromSeries(Ar1(random, phi, length, Shift));
            var interval = bootstrap.Change(baseline, candidate, [SampleStatistic.Mean], 0.95, blockLength)[0].Absolute;
            if (interval.Contains(Shift))
            {
                covered++;
            }
        }

        return (double)covered / Replications;
    }

    /// <summary>x_t = mean + phi (x_{t-1} - mean) + e_t, e_t ~ N(0, 1), started from the stationary distribution.</summary>
    private static double[] Ar1(Random random, double phi, int length, double mean)
    {
        var series = new double[length];
        var x = Gaussian(random) / Math.Sqrt(1 - phi * phi);
        for (var t = 0; t < length; t++)
        {
            series[t] = mean + x;
            x = phi * x + Gaussian(random);
        }

        return series;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
