using Spectre.Console;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// A progress bar on stderr for long inputs. It is shown only when stderr is a terminal and the inputs are
/// big enough to take noticeable time, so pipes, CI logs and tests never see control sequences.
/// </summary>
internal sealed class ProgressDisplay
{
    private const long MinimumBytesForProgress = 64L << 20;

    private static readonly ProgressDisplay Disabled = new(null);

    private readonly ProgressContext? _context;

    private ProgressDisplay(ProgressContext? context) => _context = context;

    /// <summary>Runs <paramref name="work"/> with a live progress bar when <paramref name="paths"/> justify one.</summary>
    public static T Run<T>(IReadOnlyCollection<string> paths, Func<ProgressDisplay, T> work)
    {
        if (Console.IsErrorRedirected || TotalFileBytes(paths) < MinimumBytesForProgress)
        {
            return work(Disabled);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context => work(new ProgressDisplay(context)));
    }

    /// <summary>Registers one input file; the returned callback takes the number of bytes consumed so far.</summary>
    public Action<long> StartFile(string path, long length)
    {
        if (_context is null)
        {
            return static _ => { };
        }

        var task = _context.AddTask(Markup.Escape(Path.GetFileName(path)), maxValue: Math.Max(1, length));
        return position => task.Value = position;
    }

    private static long TotalFileBytes(IEnumerable<string> paths) =>
        paths.Where(File.Exists).Sum(path => new FileInfo(path).Length);
}
