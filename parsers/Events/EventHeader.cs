namespace BinderTrace.Events;

/// <summary>
/// The context every trace line carries: when, where and who. <see cref="Tgid"/> is -1 when the trace
/// does not record it. <see cref="Timestamp"/> is nanoseconds, or raw clock ticks when
/// <see cref="TraceSourceInfo.Clock"/> says the clock is a counter.
/// </summary>
public readonly record struct EventHeader(long Timestamp, int Cpu, int Pid, int Tgid, string Comm);
