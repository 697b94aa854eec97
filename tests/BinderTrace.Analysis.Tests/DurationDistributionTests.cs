using BinderTrace.Analysis.Quantiles;

namespace BinderTrace.Tests;

public sealed class DurationDistributionTests
{
    /// <summary>Nearest rank on 1..100: p50 = value at rank ⌈0.5·100⌉ = 50, p90 = 90, p99 = 99 (added in reverse to need sorting).</summary>
    [Fact]
    public void Small_sets_give_exact_nearest_rank_quantiles()
    {
        var d = new DurationDistribution();
        for (var v = 100; v >= 1; v--)
        {
            d.Add(v);
        }

        Assert.True(d.IsExact);
        Assert.Equal((100L, 5050L, 1L, 100L), (d.Count, d.Total, d.Min, d.Max));
        Assert.Equal((50L, 90L, 99L), (d.Quantile(0.5), d.Quantile(0.9), d.Quantile(0.99)));
    }

    /// <summary>
    /// Past the exact capacity the histogram answers within 1/256 relative error: values 1..100000 have exact
    /// nearest-rank p50 = 50000, p90 = 90000, p99 = 99000. Count, total (n(n+1)/2), min and max stay exact.
    /// </summary>
    [Fact]
    public void Large_sets_give_quantiles_within_the_documented_relative_error()
    {
        var d = new DurationDistribution();
        for (var v = 1; v <= 100_000; v++)
        {
            d.Add(v);
        }

        Assert.False(d.IsExact);
        Assert.Equal((100_000L, 5_000_050_000L, 1L, 100_000L), (d.Count, d.Total, d.Min, d.Max));
        foreach (var (p, exact) in new[] { (0.5, 50_000.0), (0.9, 90_000.0), (0.99, 99_000.0) })
        {
            Assert.InRange(d.Quantile(p), exact * (1 - (1.0 / 256)), exact * (1 + (1.0 / 256)));
        }
    }

    /// <summary>Merging two halves gives the same numbers as adding everything to one distribution.</summary>
    [Fact]
    public void Merging_equals_adding_everything_to_one()
    {
        var all = new DurationDistribution();
        var low = new DurationDistribution();
        var high = new DurationDistribution();
        for (var v = 0; v < 3000; v++)
        {
            all.Add(v * 7);
            (v % 2 == 0 ? low : high).Add(v * 7);
        }

        low.Add(high);
        Assert.Equal((all.Count, all.Total, all.Min, all.Max), (low.Count, low.Total, low.Min, low.Max));
        Assert.Equal(all.Quantile(0.9), low.Quantile(0.9));
    }

    [Fact]
    public void An_empty_distribution_reports_zeros()
    {
        var d = new DurationDistribution();

        Assert.Equal((0L, 0L, 0L, 0L, 0L), (d.Count, d.Total, d.Min, d.Max, d.Quantile(0.5)));
    }
}
