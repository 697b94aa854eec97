using BinderTrace.Cli.Infrastructure;
using BinderTrace.Comparison;

namespace BinderTrace.Tests;

/// <summary>Issue 13: the libraries decide outcomes, cli alone turns them into codes of its one table.</summary>
public sealed class OutcomeExitCodeTests
{
    [Theory]
    // README "Exit codes": 0 no regression, 1 a regression, 125 inconclusive, 3 gate refused on data quality.
    [InlineData(GateOutcome.Pass, 0)]
    [InlineData(GateOutcome.Regression, 1)]
    [InlineData(GateOutcome.Inconclusive, 125)]
    [InlineData(GateOutcome.DataQualityRefused, 3)]
    public void Each_gate_outcome_has_the_documented_code(GateOutcome outcome, int code) =>
        Assert.Equal(code, (int)OutcomeExitCodes.Of(outcome));

    [Fact]
    public void Every_gate_outcome_maps_to_one_code_of_the_table_and_no_two_share_one()
    {
        var codes = Enum.GetValues<GateOutcome>().Select(OutcomeExitCodes.Of).ToList();

        Assert.All(codes, code => Assert.True(Enum.IsDefined(code), $"{code} is not in the ExitCode table"));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(4, codes.Count);
    }

    [Fact]
    public void An_outcome_the_table_does_not_know_is_a_bug_not_a_silent_success() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OutcomeExitCodes.Of((GateOutcome)99));
}
