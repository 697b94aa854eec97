using BinderTrace.Comparison;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>The libraries report what they decided; this is where each decision gets its <see cref="ExitCode"/>.</summary>
internal static class OutcomeExitCodes
{
    public static ExitCode Of(GateOutcome outcome) => outcome switch
    {
        GateOutcome.Pass => ExitCode.Ok,
        GateOutcome.Regression => ExitCode.RegressionFound,
        GateOutcome.Inconclusive => ExitCode.Inconclusive,
        GateOutcome.DataQualityRefused => ExitCode.DataQualityRefused,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "no exit code for this gate outcome"),
    };
}
