namespace BinderTrace.Allocator.Output;

/// <summary>How a <see cref="SimulationInvocation"/> ended.</summary>
public enum SimulationOutcome
{
    Ok,

    /// <summary>A bad argument or workload file; the reason is on stderr.</summary>
    InvalidInput,

    /// <summary>The output could not be written (disk full, closed pipe).</summary>
    OutputFailed,

    /// <summary>Interrupted (Ctrl-C).</summary>
    Cancelled,
}
