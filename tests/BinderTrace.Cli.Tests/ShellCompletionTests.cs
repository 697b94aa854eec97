using System.Diagnostics;
using BinderTrace.Cli;

namespace BinderTrace.Tests;

/// <summary>
/// The scripts in cli/completion run in their real shells against the built <c>bindertrace</c> (the apphost beside
/// these tests, put first on PATH), for a command, an option and an option's value. fish completes the line itself
/// (<c>complete -C</c>); bash's function runs with the COMP_* variables bash sets on ⇥; zsh's function runs with
/// <c>words</c>/<c>CURRENT</c> as zsh sets them and <c>compadd</c>/<c>compdef</c> stood in for (they exist only
/// inside zsh's completion system, which needs a terminal). A missing shell fails the test, saying what to install.
/// </summary>
[Trait("Category", "Interop")]
public sealed class ShellCompletionTests
{
    public static TheoryData<string, string> Lines => new()
    {
        { "rep", "report" },
        { "report --ph", "--phase" },
        { "simulate --allocator page-", "page-concurrent" },
        { "export x --timestamps mi", "micros" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Bash_completes_through_the_suggest_directive(string typed, string expected)
    {
        var line = "bindertrace " + typed;
        var words = typed.Split(' ');
        var script = $$"""
            source "$1"
            COMP_LINE='{{line}}'; COMP_POINT={{line.Length}}
            COMP_WORDS=(bindertrace {{string.Join(' ', words.Select(w => $"'{w}'"))}}); COMP_CWORD={{words.Length}}
            _bindertrace_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;

        Assert.Contains(expected, Run("bash", ["-c", script, "bash", ScriptPath("bindertrace.bash")]));
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Zsh_completes_through_the_suggest_directive(string typed, string expected)
    {
        var words = typed.Split(' ');
        var script = $$"""
            compdef() { : }
            compadd() { [[ $1 == -a ]] && print -rl -- "${(@P)2}" }
            source "$1"
            words=(bindertrace {{string.Join(' ', words.Select(w => $"'{w}'"))}}); CURRENT={{words.Length + 1}}
            _bindertrace
            """;

        Assert.Contains(expected, Run("zsh", ["-f", "-c", script, "zsh", ScriptPath("bindertrace.zsh")]));
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Fish_completes_through_the_suggest_directive(string typed, string expected)
    {
        var script = $"source $argv[1]; complete -C 'bindertrace {typed}'";

        // fish prints "candidate<TAB>description"; the description is empty for directive answers.
        var candidates = Run("fish", ["--no-config", "-c", script, ScriptPath("bindertrace.fish")]).Select(c => c.Split('\t')[0]);

        Assert.Contains(expected, candidates);
    }

    private static string ScriptPath(string name) => Path.Combine(RepositoryPaths.Root, "cli", "completion", name);

    private static string[] Run(string shell, string[] arguments)
    {
        var start = new ProcessStartInfo(shell)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The apphost of the cli project is copied beside the test assembly; it answers as an installed tool would.
        var tool = Path.GetDirectoryName(typeof(BinderTraceCommandLine).Assembly.Location)!;
        Assert.True(File.Exists(Path.Combine(tool, "bindertrace")), $"no bindertrace apphost in {tool}");
        start.Environment["PATH"] = tool + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"{shell} is not installed ({exception.Message}): `apt-get install -y {shell}` (.ci/run does it) to test its completion script.");
            throw;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{shell} exited {process.ExitCode}: {stderr.GetAwaiter().GetResult()}");
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
