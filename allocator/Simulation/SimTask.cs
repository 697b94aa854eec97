using BinderTrace.Events;

namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// A simulated kernel task (thread): identity for the trace columns plus the coroutine stack the scheduler
/// drives. <see cref="SpinDepth"/> counts held spinlocks; the trace prints it as the preempt-depth flag.
/// </summary>
internal sealed class SimTask
{
    private readonly Stack<IEnumerator<Step>> _stack = new();

    public SimTask(int pid, int tgid, string comm)
    {
        Pid = pid;
        Tgid = tgid;
        Comm = comm;
    }

    public int Pid { get; }

    public int Tgid { get; }

    public string Comm { get; }

    /// <summary>The CPU the task runs on, or the last one it ran on while it is off CPU.</summary>
    public int Cpu { get; set; } = -1;

    public bool OnCpu { get; set; }

    public int SpinDepth { get; set; }

    /// <summary>A lock this task was woken for but still has to take (see <see cref="SimMutex"/>).</summary>
    public SimLock? RetryLock { get; set; }

    public LockMode RetryMode { get; set; }

    /// <summary>
    /// How long this task takes to run the next time a mutex unlock wakes it, or -1 for the scheduler's wake latency
    /// (a replayed send sets the trace's measured value; used once).
    /// </summary>
    public long MutexWakeLatencyNs { get; set; } = -1;

    /// <summary>
    /// How long this task takes to run the next time an mmap_lock unlock wakes it as a waiting writer, or -1 for the
    /// lock's calibrated latency (a replayed non-binder write hold sets the trace's measured value; used once).
    /// </summary>
    public long MmapWriterWakeLatencyNs { get; set; } = -1;

    public void Push(IEnumerator<Step> callee) => _stack.Push(callee);

    /// <summary>The next step of the innermost coroutine; finished coroutines are popped. False when the task is done.</summary>
    public bool TryNextStep(out Step step)
    {
        while (_stack.Count > 0)
        {
            var top = _stack.Peek();
            if (top.MoveNext())
            {
                step = top.Current;
                return true;
            }

            top.Dispose();
            _stack.Pop();
        }

        step = default;
        return false;
    }
}
