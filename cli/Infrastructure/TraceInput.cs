using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Pipeline;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Opens the trace paths a command was given as a <see cref="TracePass"/>: a file or <c>-</c> for this process's
/// standard input, with the byte progress of files drawn by <see cref="ProgressDisplay"/>.
/// </summary>
internal static class TraceInput
{
    /// <param name="interrupt">Ctrl-C, which also stops the wait for standard input's first bytes.</param>
    /// <param name="readAhead">False for consumers too light to be worth a hand-over between threads (<c>stats</c>).</param>
    public static TracePass Open(
        string path, ParseOptions parse, ProgressDisplay progress, CancellationToken interrupt, TraceFocus? focus = null, bool readAhead = true) =>
        TracePass.Open(path, Options(parse, progress, focus, readAhead), interrupt);

    public static TracePassOptions Options(ParseOptions parse, ProgressDisplay progress, TraceFocus? focus = null, bool readAhead = true) => new()
    {
        Parse = parse,
        Focus = focus,
        ReadAhead = readAhead,
        StandardInput = Console.OpenStandardInput,
        Progress = progress.StartFile,
    };
}
