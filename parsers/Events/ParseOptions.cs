namespace BinderTrace.Events;

/// <summary>How strictly and with which limits a trace is read.</summary>
public sealed record ParseOptions
{
    /// <summary>Lenient (the default) counts unparsable lines; strict throws on the first one.</summary>
    public bool Strict { get; init; }

    /// <summary>A line longer than this is an error, never an allocation.</summary>
    public int MaxLineBytes { get; init; } = 1 << 20;

    /// <summary>How many events the timestamp re-orderer may hold back; bounds memory.</summary>
    public int ReorderWindow { get; init; } = 1 << 12;

    public static ParseOptions Default { get; } = new();
}
