namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Process exit codes: the one table of them (README "Exit codes"). 0/1/2/125 follow the <c>git bisect run</c>
/// convention so a gate can drive a bisect: 125 means "cannot decide, skip this commit". The others never
/// collide with 1, so a crash, a full disk or a refusal to judge broken traces never reads as a regression.
/// </summary>
internal enum ExitCode
{
    Ok = 0,
    RegressionFound = 1,
    InvalidInput = 2,

    /// <summary><c>gate</c> refused to judge: an input trace lost events, was truncated or has unparsed lines (not allowed by the gate file).</summary>
    DataQualityRefused = 3,

    /// <summary>An unexpected failure (a bug): EX_SOFTWARE of sysexits.h.</summary>
    InternalError = 70,

    /// <summary>The output could not be written (disk full, closed pipe): EX_IOERR of sysexits.h.</summary>
    OutputFailed = 74,

    Inconclusive = 125,

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    Cancelled = 130,
}
