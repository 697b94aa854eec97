using System.CommandLine;

namespace BinderTrace.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl-C asks the command to stop (it exits 130 and leaves no half-written file); a second one,
        // when the command is stuck, ends the process the default way.
        Console.CancelKeyPress += (_, press) =>
        {
            if (!interrupt.IsCancellationRequested)
            {
                press.Cancel = true;
                interrupt.Cancel();
            }
        };
        return BinderTraceCommandLine.Invoke(args, new InvocationConfiguration(), interrupt.Token);
    }
}
