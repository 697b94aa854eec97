using BinderTrace.Pictures.Collect;

namespace BinderTrace.Tests;

/// <summary>The bounded collectors behind the HTML report's downsampling, on hand-made inputs.</summary>
public sealed class CollectorTests
{
    [Fact]
    public void Longest_intervals_keep_the_longest_whatever_the_order()
    {
        var longest = new LongestIntervals<string>(3);
        foreach (var (name, ns) in new[] { ("a", 5L), ("b", 50L), ("c", 1L), ("d", 40L), ("e", 7L), ("f", 60L) })
        {
            longest.Offer(name, ns);
        }

        // By hand: the three longest of 5, 50, 1, 40, 7, 60 are f (60), b (50), d (40); 40 is the smallest kept.
        Assert.Equal(["b", "d", "f"], longest.Items.Order(StringComparer.Ordinal));
        Assert.Equal(6, longest.Offered);
        Assert.Equal(40, longest.Threshold);
    }

    [Fact]
    public void Time_bins_merge_pairwise_and_keep_every_event()
    {
        var bins = new TimeBinnedCounts(maxBins: 4);
        foreach (var ts in new long[] { 0, 1_000, 2_000, 3_000, 4_000, 9_999, 500 })
        {
            bins.Add(ts);
        }

        // Width 1000 ns gives bins 0,1,2,3,4,9: over 4, so width 2000 (bins 0,1,2,4), still 4: kept.
        // Events: [0,2000) holds 0, 500, 1000 → 3; [2000,4000) → 2; [4000,6000) → 1; [8000,10000) → 1.
        Assert.Equal(2_000, bins.WidthNs);
        Assert.Equal([(0L, 3L), (2_000L, 2L), (4_000L, 1L), (8_000L, 1L)], bins.Bins);
        Assert.Equal(7, bins.Total);
    }
}
