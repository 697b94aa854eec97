using System.CommandLine;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>Options that mean the same thing on every command that reads traces.</summary>
internal static class CommonOptions
{
    public static Option<bool> Strict() => new("--strict")
    {
        Description = "Fail on the first unparsable line instead of counting it",
    };
}
