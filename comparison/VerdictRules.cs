using System.Globalization;

namespace BinderTrace.Comparison;

/// <summary>
/// Turns a metric's evidence into a verdict. The rules, in order:
/// <list type="number">
/// <item>Structural: every baseline run has 0 events of the metric's class and every candidate run at least
/// <see cref="ComparisonOptions.MinimumStructuralCount"/> (or the reverse) — decidable from one run.</item>
/// <item>Several runs per side: Mann–Whitney U (two-sided, Holm-corrected over all metrics tested together) at
/// <see cref="ComparisonOptions.Alpha"/> AND the Hodges–Lehmann shift beyond the practical threshold. Not
/// significant with fewer runs than could ever reach alpha: inconclusive.</item>
/// <item>One run per side, durations of an event class with at least
/// <see cref="ComparisonOptions.MinimumSingleRunEvents"/> events on both sides: the ratio must lie beyond the
/// statistic's run-to-run allowance (<see cref="RunToRunAllowances"/>: twice the largest ratio measured between
/// two runs of one kernel, so beyond anything an A/A pair showed) and the threshold, and the block-bootstrap
/// interval must exclude no change (so the difference is not one trace's sampling noise); otherwise inconclusive,
/// "collect more runs". Without samples, the point estimate must lie beyond the allowance squared. A min or max
/// (one event) and rarer classes are never decided from one run.</item>
/// <item>One run per side, counts: only structural changes are decided.</item>
/// <item>One run per side, any change within the practical threshold: no change.</item>
/// </list>
/// </summary>
internal static class VerdictRules
{
    public static MetricComparison Decide(MetricEvidence evidence, Threshold threshold, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(options);
        var traits = evidence.Traits;
        if (evidence.Baseline.Count == 0 || evidence.Candidate.Count == 0)
        {
            var side = evidence.Baseline.Count == 0 ? "baseline" : "candidate";
            return Result(evidence, evidence.BaselineMedian, evidence.CandidateMedian,
                traits.Direction == MetricDirection.Informational ? Verdict.NotJudged : Verdict.Inconclusive, ComparisonMethod.Missing,
                $"missing in the {side} report");
        }

        var baseline = evidence.BaselineMedian;
        var candidate = evidence.CandidateMedian;
        var structural = Structural(evidence, options.MinimumStructuralCount);
        if (structural is not null)
        {
            var exceeded = threshold.IsExceededBy(baseline, candidate - baseline);
            var worse = structural == "appeared" == (traits.Direction == MetricDirection.LowerIsBetter);
            var verdict = traits.Direction == MetricDirection.Informational ? Verdict.NotJudged
                : !exceeded ? Verdict.NoChange
                : worse ? Verdict.Regressed : Verdict.Improved;
            return Result(evidence, baseline, candidate, verdict, ComparisonMethod.Structural,
                $"event class {structural}: {CountText(evidence.BaselineCounts)} → {CountText(evidence.CandidateCounts)} events"
                + (exceeded ? "" : $", within threshold {threshold}"));
        }

        if (!evidence.IsSingleRun)
        {
            return MultiRun(evidence, threshold, options);
        }

        if (baseline == candidate)
        {
            return Result(evidence, baseline, candidate, traits.Direction == MetricDirection.Informational ? Verdict.NotJudged : Verdict.NoChange,
                ComparisonMethod.Identity, "identical values");
        }

        if (traits.Direction == MetricDirection.Informational)
        {
            return Result(evidence, baseline, candidate, Verdict.NotJudged, ComparisonMethod.Identity, "informational");
        }

        if (!threshold.IsExceededBy(baseline, candidate - baseline))
        {
            return Result(evidence, baseline, candidate, Verdict.NoChange, ComparisonMethod.Identity,
                $"change within {threshold} (one run per side: run-to-run variation not measured)");
        }

        return traits.Kind == MetricKind.Count
            ? SingleRunCount(evidence)
            : SingleRunDuration(evidence, threshold, options);
    }

    /// <summary>True when <see cref="Decide"/> will rank-test this metric (so it belongs to the Holm family).</summary>
    public static bool NeedsRankTest(MetricEvidence evidence, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(options);
        return evidence.Baseline.Count > 0 && evidence.Candidate.Count > 0 && !evidence.IsSingleRun
            && evidence.Traits.Direction != MetricDirection.Informational
            && Structural(evidence, options.MinimumStructuralCount) is null;
    }

    private static MetricComparison MultiRun(MetricEvidence evidence, Threshold threshold, ComparisonOptions options)
    {
        var baseline = evidence.BaselineMedian;
        var pGreater = MannWhitneyUTest.PValueCandidateGreater(evidence.Baseline, evidence.Candidate);
        var pLess = MannWhitneyUTest.PValueCandidateLess(evidence.Baseline, evidence.Candidate);
        var raw = Math.Min(1, 2 * Math.Min(pGreater, pLess));
        var p = double.IsNaN(evidence.FamilyAdjustedP) ? raw : evidence.FamilyAdjustedP;
        var shift = HodgesLehmannShift.Estimate(evidence.Baseline, evidence.Candidate);
        var interval = HodgesLehmannShift.Interval(evidence.Baseline, evidence.Candidate, options.Level);
        var (relative, relativeInterval, clamped) = RelativeOf(evidence, baseline, shift, interval, options.Level);
        var direction = evidence.Traits.Direction;
        var increased = pGreater < pLess;
        var worse = increased == (direction == MetricDirection.LowerIsBetter);
        var significant = p <= options.Alpha;
        var exceeded = threshold.IsExceededBy(baseline, shift);
        var minimumRuns = MannWhitneyUTest.MinimumRunsPerSide(options.Alpha, evidence.FamilySize);
        var runs = Math.Min(evidence.Baseline.Count, evidence.Candidate.Count);
        var pText = P(p) + (evidence.FamilySize > 1 ? $" (Holm over {evidence.FamilySize} metrics)" : "");
        (Verdict verdict, string reason) = direction switch
        {
            MetricDirection.Informational => (Verdict.NotJudged, $"informational; {pText}"),
            _ when significant && exceeded => (worse ? Verdict.Regressed : Verdict.Improved, $"{pText}, shift beyond {threshold}"),
            _ when significant => (Verdict.NoChange, $"{pText} but shift within {threshold}"),
            _ when runs < minimumRuns => (Verdict.Inconclusive,
                $"{pText}; collect more runs: at least {minimumRuns} per side are needed for alpha {Num(options.Alpha)}"),
            _ => (Verdict.NoChange, $"no significant difference ({pText})"),
        };
        return new MetricComparison(
            evidence.Traits.Path, evidence.Traits.Kind, direction, baseline, evidence.CandidateMedian,
            evidence.Baseline.Count, evidence.Candidate.Count, shift, relative, interval, relativeInterval, p,
            verdict, ComparisonMethod.MannWhitney, clamped ? reason + "; relative interval clamped at -100 % (a run is 0, so no ratio interval)" : reason);
    }

    /// <summary>
    /// The relative change and its interval. Positive quantities on the ratio (log) scale (the Hodges–Lehmann
    /// ratio and Moses' interval of ratios), so no bound lies below −100 %; where a run is 0 or less, the shift
    /// interval divided by the baseline, its lower end clamped at −100 % when the metric cannot go negative.
    /// </summary>
    private static (RelativeChange Relative, ConfidenceInterval Interval, bool Clamped) RelativeOf(
        MetricEvidence evidence, double baseline, double shift, ConfidenceInterval interval, double level)
    {
        if (baseline == 0)
        {
            return (RelativeChange.Between(0, shift), ConfidenceInterval.None, false);
        }

        if (evidence.Baseline.All(v => v > 0) && evidence.Candidate.All(v => v > 0))
        {
            var (ratio, ratioInterval) = HodgesLehmannShift.RatioEstimate(evidence.Baseline, evidence.Candidate, level);
            return (new RelativeChange(ratio - 1), new ConfidenceInterval(ratioInterval.Lower - 1, ratioInterval.Upper - 1, ratioInterval.Level), false);
        }

        var scaled = interval.Scale(1 / Math.Abs(baseline));
        var nonNegative = evidence.Baseline.All(v => v >= 0) && evidence.Candidate.All(v => v >= 0);
        return nonNegative && scaled.Lower < -1
            ? (new RelativeChange(shift / Math.Abs(baseline)), scaled with { Lower = -1 }, true)
            : (new RelativeChange(shift / Math.Abs(baseline)), scaled, false);
    }

    private static MetricComparison SingleRunDuration(MetricEvidence evidence, Threshold threshold, ComparisonOptions options)
    {
        var baseline = evidence.BaselineMedian;
        var candidate = evidence.CandidateMedian;
        if (evidence.Traits.Kind == MetricKind.DurationExtreme)
        {
            return Result(evidence, baseline, candidate, Verdict.Inconclusive, ComparisonMethod.PointEstimate,
                "single run: a min or max is one event; collect more runs");
        }

        if (baseline == 0)
        {
            return Result(evidence, baseline, candidate, Verdict.Inconclusive, ComparisonMethod.PointEstimate,
                "baseline is 0 with too few events to call the change structural; collect more runs");
        }

        var enoughEvents = MinimumCount(evidence.BaselineCounts) >= options.MinimumSingleRunEvents
            && MinimumCount(evidence.CandidateCounts) >= options.MinimumSingleRunEvents;
        if (!enoughEvents)
        {
            return Result(evidence, baseline, candidate, Verdict.Inconclusive, ComparisonMethod.PointEstimate,
                $"single run with fewer than {options.MinimumSingleRunEvents} events on a side: rare event classes vary between runs more than one trace shows; collect more runs");
        }

        if (candidate == 0)
        {
            return Result(evidence, baseline, candidate, Verdict.Inconclusive, ComparisonMethod.PointEstimate,
                "candidate is 0 while events remain: a statistic at the clock's resolution has no ratio; collect more runs");
        }

        var thresholdFraction = threshold.InUnitsOf(baseline) / Math.Abs(baseline);
        var allowance = RunToRunAllowances.Ratio(evidence.Traits.Statistic, options);
        var increaseLimit = Math.Max(allowance - 1, thresholdFraction);
        var decreaseLimit = Math.Max(1 - 1 / allowance, thresholdFraction);
        var allowanceText = $"run-to-run allowance ×{Num(allowance)}";
        var ratio = candidate / baseline;
        if (evidence.Bootstrap is { Relative.IsDefined: true } bootstrap)
        {
            var ci = bootstrap.Relative;
            var verdict = Judge(evidence.Traits.Direction, ratio - 1 > increaseLimit && ci.Lower > 0, 1 - ratio > decreaseLimit && ci.Upper < 0);
            var beyond = ratio - 1 > increaseLimit || 1 - ratio > decreaseLimit;
            var reason = verdict != Verdict.Inconclusive
                ? $"single run: ratio {RatioText(ratio)} beyond the {allowanceText} and the interval excludes no change (block length {bootstrap.BlockLength})"
                : beyond
                    ? $"single run: ratio {RatioText(ratio)} beyond the {allowanceText} but the interval includes no change; collect more runs"
                    : $"single run: ratio {RatioText(ratio)} within the {allowanceText} two runs of one kernel can differ by; collect more runs";
            return Result(evidence, baseline, candidate, verdict, ComparisonMethod.BlockBootstrap, reason) with
            {
                Interval = bootstrap.Absolute,
                RelativeInterval = ci,
            };
        }

        var far = (1 + increaseLimit) * (1 + increaseLimit);
        var pointVerdict = Judge(evidence.Traits.Direction, ratio > far, ratio < 1 / far);
        var pointReason = pointVerdict == Verdict.Inconclusive
            ? $"single run without samples: not beyond the squared {allowanceText}; collect more runs"
            : $"single run without samples: ratio {Num(ratio)} beyond the squared {allowanceText}";
        return Result(evidence, baseline, candidate, pointVerdict, ComparisonMethod.PointEstimate, pointReason);
    }

    /// <summary>
    /// Counts vary between runs far more than Poisson (on the reference allocator, reinstalls after reclaim differ
    /// ×3.4 between two seeds at the 99th percentile of pairs), so one run decides a count only structurally.
    /// </summary>
    private static MetricComparison SingleRunCount(MetricEvidence evidence) =>
        Result(evidence, evidence.BaselineMedian, evidence.CandidateMedian, Verdict.Inconclusive, ComparisonMethod.SingleRunCount,
            "single run: a count that neither appears nor vanishes is not decidable from one run; collect more runs");

    private static Verdict Judge(MetricDirection direction, bool increased, bool decreased) => (direction, increased, decreased) switch
    {
        (MetricDirection.LowerIsBetter, true, _) => Verdict.Regressed,
        (MetricDirection.LowerIsBetter, _, true) => Verdict.Improved,
        (MetricDirection.HigherIsBetter, true, _) => Verdict.Improved,
        (MetricDirection.HigherIsBetter, _, true) => Verdict.Regressed,
        _ => Verdict.Inconclusive,
    };

    /// <summary>"appeared", "vanished" or null.</summary>
    private static string? Structural(MetricEvidence evidence, long minimum)
    {
        if (evidence.BaselineCounts is not { Count: > 0 } baseline || evidence.CandidateCounts is not { Count: > 0 } candidate)
        {
            return null;
        }

        if (baseline.All(c => c == 0) && candidate.All(c => c >= minimum))
        {
            return "appeared";
        }

        return candidate.All(c => c == 0) && baseline.All(c => c >= minimum) ? "vanished" : null;
    }

    private static MetricComparison Result(
        MetricEvidence evidence, double baseline, double candidate, Verdict verdict, ComparisonMethod method, string reason) =>
        new(evidence.Traits.Path, evidence.Traits.Kind, evidence.Traits.Direction, baseline, candidate,
            evidence.Baseline.Count, evidence.Candidate.Count, candidate - baseline, RelativeChange.Between(baseline, candidate),
            ConfidenceInterval.None, ConfidenceInterval.None, double.NaN, verdict, method, reason);

    private static long MinimumCount(IReadOnlyList<long>? counts) => counts is { Count: > 0 } ? counts.Min() : 0;

    private static string CountText(IReadOnlyList<long>? counts) =>
        counts is null ? "?" : string.Join("/", counts.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    private static string P(double p) => "p = " + p.ToString(p < 0.001 ? "0.0e0" : "0.000", CultureInfo.InvariantCulture);

    private static string RatioText(double ratio) => ratio >= 1
        ? "×" + ratio.ToString("0.##", CultureInfo.InvariantCulture)
        : "÷" + (1 / ratio).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
