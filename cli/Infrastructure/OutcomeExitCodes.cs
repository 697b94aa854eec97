using BinderTrace.Allocator.Output;
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

    public static ExitCode Of(SimulationOutcome outcome) => outcome switch
    {
        SimulationOutcome.Ok => ExitCode.Ok,
        SimulationOutcome.InvalidInput => ExitCode.InvalidInput,
        SimulationOutcome.OutputFailed => ExitCode.OutputFailed,
        SimulationOutcome.Cancelled => ExitCode.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "no exit code for this simulation outcome"),
    };
}
