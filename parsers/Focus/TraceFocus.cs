namespace BinderTrace.Focus;

/// <summary>The part of a trace a command should look at: a time window, a phase, or both (both must hold).</summary>
public sealed record TraceFocus
{
    public TimeWindow? Window { get; init; }

    /// <summary>A phase name as written in the markers (<see cref="PhaseTracker"/>).</summary>
    public string? Phase { get; init; }

    public bool IsEverything => Window is null && Phase is null;

    /// <summary>"window 1500000000ns..2000000000ns, phase B-contention", for report headers.</summary>
    public override string ToString() => string.Join(", ", new[]
    {
        Window is null ? null : $"window {Window}",
        Phase is null ? null : $"phase {Phase}",
    }.Where(s => s is not null));
}

/// <summary>
/// The trace holds nothing that matches what the user asked to focus on (a phase it never marks, a window past
/// its end, a process it never shows). The message lists what the trace does hold.
/// </summary>
public sealed class TraceFocusException(string message) : Exception(message);
