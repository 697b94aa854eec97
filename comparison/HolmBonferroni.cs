namespace BinderTrace.Comparison;

/// <summary>
/// Holm's step-down correction (S. Holm, "A simple sequentially rejective multiple test procedure",
/// Scandinavian Journal of Statistics 6(2), 1979). A comparison tests dozens of metrics at once; without a
/// correction an A/A comparison would call some metric "regressed" most of the time. Holm keeps the chance of
/// any false call at most alpha under any dependence between the metrics, and is uniformly more powerful than
/// Bonferroni. Adjusted p-value of the i-th smallest: max over j ≤ i of min(1, (m − j + 1) · p(j)).
/// </summary>
internal static class HolmBonferroni
{
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }
}
