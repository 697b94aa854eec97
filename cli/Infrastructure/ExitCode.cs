namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Process exit codes. 0/1/2/125 follow the <c>git bisect run</c> convention so a gate can drive a bisect:
/// 125 means "cannot decide, skip this commit".
/// </summary>
internal enum ExitCode
{
    Ok = 0,
    RegressionFound = 1,
    InvalidInput = 2,
    Inconclusive = 125,
    InternalError = 70,
}
