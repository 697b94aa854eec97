using System.CommandLine;
using BinderTrace.Focus;

namespace BinderTrace.Cli.Infrastructure;

/// <summary><c>--window START..END</c> and <c>--phase NAME</c>: the same meaning on every command that reads traces.</summary>
internal sealed class FocusOptions
{
    public Option<string> Window { get; } = new("--window")
    {
        Description = "Only events in this time window, measured from the trace's first event: START..END with units, e.g. 1.5s..2s, 300ms.., ..2000000ns",
    };

    public Option<string> Phase { get; } = new("--phase")
    {
        Description = "Only events inside the spans of this phase: trace_marker '… phase NAME begin' … 'end', or atrace 'B|pid|NAME' … 'E'",
    };

    public IEnumerable<Option> All => [Window, Phase];

    public TraceFocus Read(ParseResult parseResult)
    {
        TimeWindow? window = null;
        if (parseResult.GetValue(Window) is { } text)
        {
            try
            {
                window = TimeWindow.Parse(text);
            }
            catch (FormatException e)
            {
                throw new UserErrorException($"--window: {e.Message}", e);
            }
        }

        return new TraceFocus { Window = window, Phase = parseResult.GetValue(Phase) };
    }
}
