namespace BinderTrace.Events;

/// <summary>
/// Something a trace pass feeds: the analysis, the statistics, an export table, a picture collector. It sees every
/// event of the pass once, in trace order, a batch at a time, then the end. The pass decides the thread; one
/// consumer's calls never overlap. A consumer that throws stops the pass, and its exception reaches the caller.
/// </summary>
public interface ITraceEventConsumer
{
    /// <summary>The next events in trace order; the span is valid only during the call.</summary>
    void OnEvents(ReadOnlySpan<TraceEvent> batch);

    /// <summary>The trace ended after the last batch; <paramref name="diagnostics"/> is complete.</summary>
    void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics);
}
