namespace BinderTrace.Comparison;

/// <summary>
/// Compares baseline runs with candidate runs metric by metric. The metrics are every number of the
/// report documents except bookkeeping (<see cref="IsBookkeeping"/>: the <c>data_quality</c> section, which is
/// checked separately, timestamps, the fingerprint's evidence counters), the label <c>fingerprint.design</c>,
/// and count / p50 / p90 / p99 / total of sample families the report does not have.
/// </summary>
public sealed class MetricComparer
{
    private static readonly SampleStatistic[] BootstrapStatistics =
        [SampleStatistic.Median, SampleStatistic.P90, SampleStatistic.P99, SampleStatistic.Total, SampleStatistic.Mean];

    private static readonly string[] SampleOnlyFields = ["count", "p50", "p90", "p99", "total"];

    private const string DesignLabel = "fingerprint.design";

    private readonly ComparisonOptions _options;
    private readonly CircularBlockBootstrap _bootstrap;

    public MetricComparer(ComparisonOptions? options = null)
    {
        _options = options ?? new ComparisonOptions();
        _bootstrap = new CircularBlockBootstrap(_options.BootstrapResamples, _options.Seed);
    }

    public ComparisonReport Compare(IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        if (baseline.Count == 0 || candidate.Count == 0)
        {
            throw new ArgumentException("each side needs at least one trace");
        }

        var context = new ComparisonContext(baseline, candidate, _bootstrap, _options);
        var paths = MetricPaths(baseline.Concat(candidate)).ToList();
        if (_options.MetricPatterns is { } patterns)
        {
            paths = paths.Where(p => MetricGlob.MatchesAny(patterns, p.Path)).ToList();
            if (paths.Count == 0)
            {
                throw new ComparisonInputException($"--metrics {string.Join(",", patterns)}: no metric of the inputs matches");
            }
        }

        var numeric = paths.Where(p => !p.IsText).Select(p => (MetricCatalog.Describe(p.Path), _options.PracticalThreshold)).ToList();
        var decided = Decide(context, numeric);
        var rows = new List<MetricComparison>(paths.Count);
        var next = 0;
        foreach (var (path, isText) in paths)
        {
            rows.Add(isText ? CompareLabel(path, baseline, candidate) : decided[next++]);
        }

        return new ComparisonReport(
            baseline.Select(m => m.Source).ToList(), candidate.Select(m => m.Source).ToList(), rows,
            DataQualityProblems(baseline, candidate), _options);
    }

    /// <summary>
    /// Chosen metrics, each with its own traits (a gate may override the direction) and threshold; the
    /// rank-tested ones form one Holm family.
    /// </summary>
    internal IReadOnlyList<MetricComparison> CompareMetrics(
        IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate,
        IReadOnlyList<(MetricTraits Traits, Threshold Threshold)> metrics)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(metrics);
        return Decide(new ComparisonContext(baseline, candidate, _bootstrap, _options), metrics);
    }

    public static IReadOnlyList<DataQualityProblem> DataQualityProblems(
        IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        return baseline.SelectMany(m => m.Quality.Issues().Select(i => new DataQualityProblem("baseline", m.Source, i.Issue, i.Message)))
            .Concat(candidate.SelectMany(m => m.Quality.Issues().Select(i => new DataQualityProblem("candidate", m.Source, i.Issue, i.Message))))
            .ToList();
    }

    /// <summary>True when the metric exists in at least one of the measurements (as a report path or a sample family).</summary>
    public static bool IsKnown(IEnumerable<TraceMeasurement> measurements, string path)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var traits = MetricCatalog.Describe(path);
        return measurements.Any(m => m.Metrics.Contains(path)
            || traits.SampleFamily is { } family && m.Samples.ContainsKey(family));
    }

    private List<MetricComparison> Decide(ComparisonContext context, IReadOnlyList<(MetricTraits Traits, Threshold Threshold)> metrics)
    {
        var evidence = metrics.Select(m => new MetricEvidence(
            m.Traits,
            Values(context.Baseline, m.Traits),
            Values(context.Candidate, m.Traits),
            Counts(context.Baseline, m.Traits),
            Counts(context.Candidate, m.Traits),
            context.BootstrapFor(m.Traits))).ToList();
        var family = Enumerable.Range(0, evidence.Count).Where(i => VerdictRules.NeedsRankTest(evidence[i], _options)).ToList();
        var adjusted = HolmBonferroni.Adjust(family.Select(i => MannWhitneyUTest.PValueTwoSided(evidence[i].Baseline, evidence[i].Candidate)).ToList());
        for (var k = 0; k < family.Count; k++)
        {
            evidence[family[k]] = evidence[family[k]] with { FamilyAdjustedP = adjusted[k], FamilySize = family.Count };
        }

        return evidence.Select((e, i) => VerdictRules.Decide(e, metrics[i].Threshold, _options)).ToList();
    }

    private static MetricComparison CompareLabel(string path, IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate)
    {
        var baselineText = LabelOf(baseline, path);
        var candidateText = LabelOf(candidate, path);
        var same = baselineText == candidateText;
        return new MetricComparison(
            path, MetricKind.Label, MetricDirection.Informational, double.NaN, double.NaN, baseline.Count, candidate.Count,
            double.NaN, new RelativeChange(double.NaN), ConfidenceInterval.None, ConfidenceInterval.None, double.NaN,
            Verdict.NotJudged, ComparisonMethod.Identity, same ? "same" : "changed")
        {
            BaselineText = baselineText,
            CandidateText = candidateText,
        };
    }

    private static string LabelOf(IReadOnlyList<TraceMeasurement> runs, string path)
    {
        var labels = runs.Select(m => m.GetText(path) ?? "?").Distinct().ToList();
        return string.Join(" | ", labels);
    }

    private static List<double> Values(IReadOnlyList<TraceMeasurement> runs, MetricTraits traits)
    {
        var values = new List<double>(runs.Count);
        foreach (var run in runs)
        {
            if (TryValue(run, traits, out var value))
            {
                values.Add(value);
            }
        }

        return values;
    }

    private static List<long>? Counts(IReadOnlyList<TraceMeasurement> runs, MetricTraits traits)
    {
        if (traits.CountPath is null)
        {
            return null;
        }

        var countTraits = MetricCatalog.Describe(traits.CountPath);
        var counts = new List<long>(runs.Count);
        foreach (var run in runs)
        {
            if (!TryValue(run, countTraits, out var count))
            {
                return null;
            }

            counts.Add((long)count);
        }

        return counts;
    }

    /// <summary>
    /// The metric's value in one run: from the report; else from the run's samples; else 0 when the run was
    /// analysed from a trace (it has samples) and saw no event of that family. A saved report without samples
    /// says nothing about families it does not contain, so there the metric is missing, never 0.
    /// </summary>
    private static bool TryValue(TraceMeasurement run, MetricTraits traits, out double value)
    {
        if (run.TryGetNumber(traits.Path, out value))
        {
            return true;
        }

        var field = traits.Path[(traits.Path.LastIndexOf('.') + 1)..];
        if (traits.SampleFamily is { } family)
        {
            if (run.Samples.TryGetValue(family, out var samples))
            {
                value = FromSamples(samples, field);
                return !double.IsNaN(value);
            }

            if (run.Samples.Count > 0 && !run.Metrics.Contains(family) && IsDistributionField(field))
            {
                value = 0;
                return true;
            }
        }

        return false;
    }

    private static bool IsDistributionField(string field) => ReportDocument.DistributionFields.Contains(field) || field == "mean";

    private static double FromSamples(TimedSamples samples, string field)
    {
        switch (field)
        {
            case "count":
                return samples.PopulationCount;
            case "total":
                return samples.PopulationTotal;
            default:
                if (!SampleStatisticEvaluator.TryFromReportField(field, out var statistic))
                {
                    return double.NaN;
                }

                var sorted = samples.Values.Order().ToArray();
                return samples.SampleCount == 0 ? 0 : SampleStatisticEvaluator.EvaluateSorted(statistic, sorted, samples.TotalScale);
        }
    }

    /// <summary>Report numbers that describe the capture or the evidence, not the allocator's behaviour.</summary>
    private static bool IsBookkeeping(string path) =>
        path.StartsWith("data_quality.", StringComparison.Ordinal)
        || path.StartsWith("fingerprint.evidence.", StringComparison.Ordinal)
        || path.EndsWith("_ts_ns", StringComparison.Ordinal)
        || path is "proc" or "event_count";

    private static IEnumerable<(string Path, bool IsText)> MetricPaths(IEnumerable<TraceMeasurement> measurements)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = measurements.ToList();
        foreach (var measurement in all)
        {
            foreach (var (path, value) in measurement.Metrics.Entries)
            {
                if (value.Kind == ReportValueKind.Other)
                {
                    continue;
                }

                var isText = value.Kind == ReportValueKind.Text;
                if (IsBookkeeping(path) || isText && path != DesignLabel || !seen.Add(path))
                {
                    continue;
                }

                yield return (path, isText);
            }
        }

        foreach (var family in all.SelectMany(m => m.Samples.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            foreach (var field in SampleOnlyFields)
            {
                var path = family + "." + field;
                if (seen.Add(path))
                {
                    yield return (path, false);
                }
            }
        }
    }

    /// <summary>
    /// Per-comparison cache: a family's bootstrap is computed once for all its statistics, and not at all for
    /// classes too rare for a single-run decision (<see cref="ComparisonOptions.MinimumSingleRunEvents"/>).
    /// </summary>
    private sealed class ComparisonContext(
        IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate, CircularBlockBootstrap bootstrap, ComparisonOptions options)
    {
        private readonly Dictionary<string, IReadOnlyList<BootstrapChange>?> _byFamily = new(StringComparer.Ordinal);

        public IReadOnlyList<TraceMeasurement> Baseline => baseline;

        public IReadOnlyList<TraceMeasurement> Candidate => candidate;

        public BootstrapChange? BootstrapFor(MetricTraits traits)
        {
            if (traits.SampleFamily is not { } family || traits.Statistic is not { } statistic
                || baseline.Count > 1 && candidate.Count > 1)
            {
                return null;
            }

            if (!_byFamily.TryGetValue(family, out var changes))
            {
                var b = baseline.Select(m => m.Samples.GetValueOrDefault(family)).FirstOrDefault(s => s is { SampleCount: > 0 });
                var c = candidate.Select(m => m.Samples.GetValueOrDefault(family)).FirstOrDefault(s => s is { SampleCount: > 0 });
                changes = b is null || c is null || Math.Min(b.PopulationCount, c.PopulationCount) < options.MinimumSingleRunEvents
                    ? null
                    : bootstrap.Change(b, c, BootstrapStatistics, options.Level);
                _byFamily.Add(family, changes);
            }

            return changes?[Array.IndexOf(BootstrapStatistics, statistic)];
        }
    }
}
