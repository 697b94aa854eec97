using BinderTrace.Fuzz;
using SharpFuzz;

// Under afl-fuzz (fuzz/run-campaign.sh): BinderTrace.Fuzz TARGET. The target names are FuzzTargets.All's keys.
if (args.Length != 1 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    await Console.Error.WriteLineAsync($"usage: BinderTrace.Fuzz {string.Join('|', FuzzTargets.All.Keys)}");
    return 2;
}

Fuzzer.OutOfProcess.Run(input => FuzzTargets.Run(target, input));
return 0;
