namespace BinderTrace.Comparison;

/// <summary>What <c>gate</c> and <c>compare</c> decided; the command line maps each to its exit code.</summary>
public enum GateOutcome
{
    Pass,
    Regression,
    Inconclusive,

    /// <summary>An input trace has data-quality problems the gate file does not allow: nothing measured on it is trusted.</summary>
    DataQualityRefused,
}

public enum GateStatus
{
    Pass,
    Fail,
    Inconclusive,
}

/// <summary>The result of one gate (or of the data-quality check, whose <see cref="Comparisons"/> is empty).</summary>
public sealed record GateCase(string Name, string Metric, GateStatus Status, string Message, IReadOnlyList<MetricComparison> Comparisons);

/// <summary>All gate results and the <see cref="Outcome"/> they add up to.</summary>
public sealed record GateReport(string ConfigSource, GateCase DataQuality, IReadOnlyList<GateCase> Gates)
{
    public IEnumerable<GateCase> AllCases => Gates.Prepend(DataQuality);

    /// <summary>
    /// Refused if the data-quality case failed (a regression measured on broken traces is not trusted either);
    /// else failed if any gate failed; else inconclusive if any gate was; else pass.
    /// </summary>
    public GateOutcome Outcome =>
        DataQuality.Status == GateStatus.Fail ? GateOutcome.DataQualityRefused
        : Gates.Any(c => c.Status == GateStatus.Fail) ? GateOutcome.Regression
        : AllCases.Any(c => c.Status == GateStatus.Inconclusive) ? GateOutcome.Inconclusive
        : GateOutcome.Pass;
}

/// <summary>
/// Evaluates a gate file against baseline and candidate runs. A gate fails only on a regression the
/// comparison rules can decide (<see cref="VerdictRules"/>) beyond the gate's own limit; what they cannot
/// decide is inconclusive. A trace that is empty, truncated, lost events or has unparsed lines fails the
/// data-quality case with its own message unless the file's <c>allow</c> list names the problem — so a
/// gate never passes on broken input.
/// </summary>
public static class GateEvaluator
{
    public const string DataQualityCaseName = "data quality";

    public static GateReport Evaluate(
        GateConfig config, IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        options ??= new ComparisonOptions();
        options = options with
        {
            Alpha = config.Alpha ?? options.Alpha,
            RunToRunAllowance = config.RunToRunAllowance ?? options.RunToRunAllowance,
        };
        var all = baseline.Concat(candidate).ToList();
        for (var i = 0; i < config.Gates.Count; i++)
        {
            var gate = config.Gates[i];
            if (!MetricComparer.IsKnown(all, gate.Metric))
            {
                throw new GateConfigException(
                    $"{config.Source}: gates[{i}] (metric \"{gate.Metric}\"): no such number in any report or sample family");
            }

            if (all.Select(m => m.Metrics.DescribeNonNumber(gate.Metric)).FirstOrDefault(d => d is not null) is { } other)
            {
                // A gate on text or a whole section can never be decided: that is a mistake in the file, not "collect more runs".
                throw new GateConfigException(
                    $"{config.Source}: gates[{i}] (metric \"{gate.Metric}\"): not a number but {other}; a gate needs a numeric metric such as \"{gate.Metric}.p99\" or a count");
            }
        }

        var checks = new List<(int Gate, string Limit, Threshold Threshold, MetricTraits Traits)>();
        for (var i = 0; i < config.Gates.Count; i++)
        {
            var gate = config.Gates[i];
            var traits = MetricCatalog.Describe(gate.Metric);
            if (gate.MaxIncrease is { } increase)
            {
                checks.Add((i, "max_increase", increase, traits with { Direction = MetricDirection.LowerIsBetter }));
            }

            if (gate.MaxDecrease is { } decrease)
            {
                checks.Add((i, "max_decrease", decrease, traits with { Direction = MetricDirection.HigherIsBetter }));
            }
        }

        var comparisons = new MetricComparer(options).CompareMetrics(baseline, candidate, checks.Select(c => (c.Traits, c.Threshold)).ToList());
        // One lookup, not a scan of every check per gate: a file of 100,000 gates took minutes that way.
        var checksOfGate = Enumerable.Range(0, checks.Count).ToLookup(k => checks[k].Gate);
        var cases = config.Gates.Select((gate, i) =>
        {
            var mine = checksOfGate[i].ToList();
            return GateCaseOf(gate, mine.Select(k => comparisons[k]).ToList(), mine.Select(k => Describe(comparisons[k], checks[k].Limit, checks[k].Threshold)));
        }).ToList();
        return new GateReport(config.Source, EvaluateDataQuality(config, baseline, candidate), cases);
    }

    private static GateCase EvaluateDataQuality(GateConfig config, IReadOnlyList<TraceMeasurement> baseline, IReadOnlyList<TraceMeasurement> candidate)
    {
        var problems = MetricComparer.DataQualityProblems(baseline, candidate);
        var refused = problems.Where(p => !config.Allowed.Contains(p.Issue)).ToList();
        if (refused.Count > 0)
        {
            var message = string.Join("; ", refused.Select(p => $"{p.Side} {p.Source}: {p.Message}"))
                + " (allow it in the gate file's \"allow\" list if it is expected)";
            return new GateCase(DataQualityCaseName, "", GateStatus.Fail, message, []);
        }

        var note = problems.Count == 0 ? "all traces clean" : "allowed: " + string.Join("; ", problems.Select(p => $"{p.Side} {p.Source}: {p.Message}"));
        return new GateCase(DataQualityCaseName, "", GateStatus.Pass, note, []);
    }

    /// <summary>
    /// A gate asks one question: did the metric regress beyond its limit? Its status follows the one overall rule
    /// (<see cref="OverallVerdict"/>) over its checks: an undecidable change that went the good way cannot be that
    /// regression, so only undecidable changes the bad way (or missing data) are inconclusive.
    /// </summary>
    private static GateCase GateCaseOf(GateDefinition gate, IReadOnlyList<MetricComparison> comparisons, IEnumerable<string> messages)
    {
        var status = OverallVerdict.Of(comparisons) switch
        {
            Verdict.Regressed => GateStatus.Fail,
            Verdict.Inconclusive => GateStatus.Inconclusive,
            _ => GateStatus.Pass,
        };
        return new GateCase(gate.Name, gate.Metric, status, string.Join("; ", messages), comparisons);
    }

    private static string Describe(MetricComparison c, string limitName, Threshold limit) =>
        $"{MetricValueFormat.Value(c.Baseline, c.Kind)} → {MetricValueFormat.Value(c.Candidate, c.Kind)} "
        + $"({MetricValueFormat.Change(c.AbsoluteChange, c.Kind)}, {c.RelativeChange}), {limitName} {limit}: "
        + $"{MetricValueFormat.VerdictName(c.Verdict)} — {c.Reason} [{MetricValueFormat.MethodName(c.Method)}]";
}
