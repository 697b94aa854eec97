using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace BinderTrace.Tests;

/// <summary>What a user types after <c>dotnet tool install</c>: <c>--version</c> and shell completion.</summary>
public sealed partial class InstallTests
{
    /// <summary>
    /// <c>bindertrace --version</c> prints the version of Directory.Build.props and the commit the binary was built
    /// from (the SDK's SourceRevisionId, appended to the informational version as <c>+sha</c>).
    /// </summary>
    [Fact]
    public void Version_prints_the_version_and_the_commit()
    {
        var props = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        var version = props.Descendants("Version").Single().Value;

        var result = CliRun.Invoke("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(CommitSuffix(), result.Output.Trim());
        Assert.StartsWith(version + "+", result.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The completion scripts in cli/completion ask the [suggest:POSITION] directive about the line without the
    /// command name: <c>bindertrace "[suggest:3]" "rep"</c> is what bash sends for <c>bindertrace rep⇥</c>.
    /// </summary>
    [Theory]
    [InlineData("rep", "report")]
    [InlineData("report --w", "--window")]
    [InlineData("report --ph", "--phase")]
    [InlineData("simulate --allocator page-", "page-concurrent")]
    [InlineData("export x --compression b", "brotli")]
    public void Suggest_directive_completes_commands_options_and_values(string line, string expected)
    {
        var result = CliRun.Invoke($"[suggest:{line.Length}]", line);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Output.ReplaceLineEndings("\n").Split('\n'));
    }

    [Theory]
    [InlineData("bindertrace.bash")]
    [InlineData("bindertrace.zsh")]
    [InlineData("bindertrace.fish")]
    public void Each_shell_has_a_completion_script_using_the_directive(string name)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "cli", "completion", name));

        Assert.Contains("[suggest:", script, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9]+\\.[0-9]+\\.[0-9]+\\+[0-9a-f]{40}$")]
    private static partial Regex CommitSuffix();
}
