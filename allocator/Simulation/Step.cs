using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

internal enum StepKind : byte
{
    /// <summary>Compute on the CPU for <see cref="Step.Duration"/> ns.</summary>
    Run,

    /// <summary>Leave the CPU for <see cref="Step.Duration"/> ns (think time, idle).</summary>
    Sleep,

    /// <summary>Leave the CPU until another task calls <see cref="Scheduler.Wake"/>.</summary>
    Block,

    /// <summary>Take <see cref="Step.Lock"/> in <see cref="Step.Mode"/>, waiting if needed.</summary>
    Acquire,

    /// <summary>Run <see cref="Step.Callee"/> to completion, then continue.</summary>
    Call,
}

/// <summary>What a simulated task asks the scheduler for next. Trylocks and releases never wait, so they are direct calls.</summary>
internal readonly record struct Step(StepKind Kind, long Duration, SimLock? Lock, LockMode Mode, IEnumerator<Step>? Callee)
{
    public static Step Run(long ns) => new(StepKind.Run, ns, null, LockMode.Write, null);

    public static Step Sleep(long ns) => new(StepKind.Sleep, ns, null, LockMode.Write, null);

    public static Step Block() => new(StepKind.Block, 0, null, LockMode.Write, null);

    public static Step Acquire(SimLock simLock, LockMode mode = LockMode.Write) => new(StepKind.Acquire, 0, simLock, mode, null);

    public static Step Call(IEnumerable<Step> callee) => new(StepKind.Call, 0, null, LockMode.Write, callee.GetEnumerator());
}
