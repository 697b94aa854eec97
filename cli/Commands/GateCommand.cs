using System.CommandLine;
using BinderTrace.Comparison;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace gate --config gates.json --baseline … --candidate … [--junit FILE] [--markdown]</c>: checks
/// each gate of the file. Exit codes follow <c>git bisect run</c>: 0 pass, 1 regression, 125 inconclusive,
/// 2 usage or input error; 3 is a refusal to judge traces of bad data quality (<see cref="ExitCode"/>).
/// </summary>
internal static class GateCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Gate file: {\"gates\": [{\"metric\": \"…p99\", \"max_increase\": \"10%\"}]}" };
        var baseline = CompareCommand.TracesOption("--baseline", "Baseline traces or report JSON files, one per run");
        var candidate = CompareCommand.TracesOption("--candidate", "Candidate traces or report JSON files, one per run");
        var junit = new Option<string>("--junit") { Description = "Also write a JUnit XML report (one test case per gate) to this file" };
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown summary instead of text" };
        var strict = CommonOptions.Strict();
        var proc = ReportCommand.ProcOption();
        var focus = new FocusOptions();
        var command = new Command("gate", "Fail CI on allocator regressions (exit 0 pass, 1 regression, 2 input error, 3 data quality refused, 125 inconclusive)")
        {
            config, baseline, candidate, junit, markdown, strict, proc,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, output) =>
        {
            var configPath = parseResult.GetValue(config) is { Length: > 0 } path
                ? path
                : throw new UserErrorException("--config: a gate file is required");
            var baselinePaths = CompareCommand.Required(parseResult.GetValue(baseline), "--baseline");
            var candidatePaths = CompareCommand.Required(parseResult.GetValue(candidate), "--candidate");
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var loader = CompareCommand.Loader(parse, CompareCommand.Analysis(parseResult, proc, focus), interrupt);
            return CompareCommand.RunReportingInputErrors(() =>
            {
                var junitPath = parseResult.GetValue(junit);
                using var junitXml = string.IsNullOrEmpty(junitPath) ? null : new MemoryStream();
                var outcome = ComparisonRunner.Gate(
                    configPath, baselinePaths, candidatePaths, parseResult.GetValue(markdown), junitXml, loader, output);
                if (junitXml is not null)
                {
                    WriteJUnit(junitPath!, junitXml.ToArray(), interrupt);
                }

                return OutcomeExitCodes.Of(outcome);
            });
        });
        return command;
    }

    /// <summary>Written after the evaluation, so a usage error never leaves a half-written report behind.</summary>
    private static void WriteJUnit(string path, byte[] xml, CancellationToken interrupt)
    {
        try
        {
            OutputFile.Write(path, file => file.Write(xml), interrupt);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot write the JUnit report: {exception.Message}", exception);
        }
    }
}
