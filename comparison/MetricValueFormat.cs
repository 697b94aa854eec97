using System.Globalization;

namespace BinderTrace.Comparison;

/// <summary>Human formatting of metric values for the text and Markdown renderers (JSON keeps raw numbers).</summary>
public static class MetricValueFormat
{
    public static string Value(double value, MetricKind kind)
    {
        if (double.IsNaN(value))
        {
            return "-";
        }

        return kind is MetricKind.Duration or MetricKind.DurationExtreme ? Duration(value) : Number(value);
    }

    /// <summary>A signed change in the metric's unit.</summary>
    public static string Change(double value, MetricKind kind)
    {
        if (double.IsNaN(value))
        {
            return "-";
        }

        var text = Value(Math.Abs(value), kind);
        return value > 0 ? "+" + text : value < 0 ? "-" + text : text;
    }

    public static string RelativeInterval(ConfidenceInterval interval) => interval.IsDefined
        ? $"[{new RelativeChange(interval.Lower)}, {new RelativeChange(interval.Upper)}]"
        : "-";

    public static string Duration(double ns)
    {
        var abs = Math.Abs(ns);
        return abs switch
        {
            >= 1e9 => Scaled(ns / 1e9, "s"),
            >= 1e6 => Scaled(ns / 1e6, "ms"),
            >= 1e3 => Scaled(ns / 1e3, "µs"),
            _ => Scaled(ns, "ns"),
        };
    }

    public static string Number(double value) => value.ToString(value == Math.Floor(value) ? "0" : "0.###", CultureInfo.InvariantCulture);

    /// <summary>The verdict as a machine-readable key: <c>compare --json</c> and the comparison page's <c>data-verdict</c>.</summary>
    public static string VerdictKey(Verdict verdict) => verdict switch
    {
        Verdict.NoChange => "no_change",
        Verdict.Improved => "improved",
        Verdict.Regressed => "regressed",
        Verdict.Inconclusive => "inconclusive",
        _ => "not_judged",
    };

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.NoChange => "no change",
        Verdict.Improved => "improved",
        Verdict.Regressed => "regressed",
        Verdict.Inconclusive => "inconclusive",
        _ => "-",
    };

    public static string MethodName(ComparisonMethod method) => method switch
    {
        ComparisonMethod.MannWhitney => "Mann-Whitney U / Hodges-Lehmann",
        ComparisonMethod.BlockBootstrap => "circular block bootstrap",
        ComparisonMethod.Structural => "structural",
        ComparisonMethod.SingleRunCount => "single-run count",
        ComparisonMethod.PointEstimate => "point estimate",
        ComparisonMethod.Identity => "identity",
        _ => "missing",
    };

    /// <summary>The method's name in the terminal table's narrow column; the legend under the table spells it out.</summary>
    public static string MethodShortName(ComparisonMethod method) => method switch
    {
        ComparisonMethod.MannWhitney => "MWU/HL",
        ComparisonMethod.BlockBootstrap => "bootstrap",
        ComparisonMethod.SingleRunCount => "1-run count",
        ComparisonMethod.PointEstimate => "point est.",
        _ => MethodName(method),
    };

    /// <summary>One sentence per method used, for the legend under a table.</summary>
    public static string MethodDescription(ComparisonMethod method, ComparisonOptions options) => method switch
    {
        ComparisonMethod.MannWhitney => $"Mann-Whitney U (Mann & Whitney 1947) on per-run values, two-sided, Holm-corrected over the metrics tested together at alpha {Number(options.Alpha)}; change = Hodges-Lehmann shift, CI = Moses' rank interval; {ComparisonOptions.RecommendedRunsPerSide} runs per side recommended.",
        ComparisonMethod.BlockBootstrap => $"Circular block bootstrap (Politis & Romano 1992) within each trace, blocks of ~n^(1/3) consecutive events, {options.BootstrapResamples} resamples, seed {options.Seed}; one run cannot show run-to-run variation, so only an interval wholly beyond the run-to-run allowance ({AllowanceText(options)}, measured on real and simulated A/A pairs) decides, and only for classes with >= {options.MinimumSingleRunEvents} events per side.",
        ComparisonMethod.Structural => $"Structural: an event class present on one side (>= {options.MinimumStructuralCount} events per run) and absent on the other; decidable from one run.",
        ComparisonMethod.SingleRunCount => "Counts from one run: only an event class appearing or vanishing is decidable; counts vary between runs far more than Poisson.",
        ComparisonMethod.PointEstimate => $"One run without samples: the point estimate must lie beyond the squared run-to-run allowance ({AllowanceText(options)}), with >= {options.MinimumSingleRunEvents} events per side; min, max and rarer classes are not decided.",
        ComparisonMethod.Identity => "Equal values, labels, informational metrics, or a single-run change within the practical threshold.",
        _ => "The metric is missing on one side.",
    };

    /// <summary>"2 regressed, 5 improved, 40 inconclusive, 12 no change" with a hint when runs are missing.</summary>
    public static string Tally(ComparisonReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var parts = new[] { Verdict.Regressed, Verdict.Improved, Verdict.Inconclusive, Verdict.NoChange }
            .Select(v => (Verdict: v, Count: report.Metrics.Count(m => m.Verdict == v)))
            .Where(p => p.Count > 0)
            .Select(p => $"{p.Count} {VerdictName(p.Verdict)}");
        var text = string.Join(", ", parts);
        var runs = MannWhitneyUTest.MinimumRunsPerSide(report.Options.Alpha, report.Metrics.Count(m => m.Direction != MetricDirection.Informational));
        var fewest = Math.Min(report.BaselineSources.Count, report.CandidateSources.Count);
        return report.Metrics.Any(m => m.Verdict == Verdict.Inconclusive) && fewest < runs
            ? $"{text}; timing needs {runs} runs per side to be decided, collect more runs"
            : text;
    }

    private static string AllowanceText(ComparisonOptions options) => options.RunToRunAllowance is { } uniform
        ? $"x{Number(1 + uniform)}"
        : $"p50 x{Number(RunToRunAllowances.Ratio(SampleStatistic.Median))}, p90 x{Number(RunToRunAllowances.Ratio(SampleStatistic.P90))}, "
            + $"p99 x{Number(RunToRunAllowances.Ratio(SampleStatistic.P99))}, totals x{Number(RunToRunAllowances.Ratio(SampleStatistic.Total))}";

    private static string Scaled(double value, string unit) =>
        value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture) + " " + unit;
}
