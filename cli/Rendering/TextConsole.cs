using BinderTrace.Cli.Infrastructure;
using Spectre.Console;

namespace BinderTrace.Cli.Rendering;

/// <summary>
/// A Spectre console over a command's output writer. Colour and terminal width are used only when that
/// writer is the real stdout of a terminal; otherwise output is plain text at a fixed width, so redirected
/// output and tests are stable.
/// </summary>
internal static class TextConsole
{
    private const int PlainWidth = 120;

    public static IAnsiConsole For(TextWriter writer)
    {
        var interactive = ReferenceEquals(CommandOutputWriter.Unwrap(writer), Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = PlainWidth;
        }

        return console;
    }
}
