namespace BinderTrace.Events;

/// <summary>
/// The tracepoints BinderTrace understands by field, plus <see cref="Generic"/> for every other event
/// (kept with its name and raw payload so nothing is dropped). Names follow the kernel's event names.
/// </summary>
public enum EventKind : byte
{
    Generic = 0,

    /// <summary>Not a tracepoint: a <c>CPU:N [LOST M EVENTS]</c> marker. Analysis must treat state on that CPU as uncertain.</summary>
    LostEvents,

    BinderUpdatePageRange,
    BinderAllocLruStart,
    BinderAllocLruEnd,
    BinderFreeLruStart,
    BinderFreeLruEnd,
    BinderAllocPageStart,
    BinderAllocPageEnd,
    BinderUnmapUserStart,
    BinderUnmapUserEnd,
    BinderUnmapKernelStart,
    BinderUnmapKernelEnd,

    BinderTransaction,
    BinderTransactionReceived,
    BinderTransactionAllocBuf,
    BinderTransactionBufferRelease,
    BinderTransactionFailedBufferRelease,
    BinderTransactionUpdateBufferRelease,
    BinderTxnLatencyFree,
    BinderCommand,
    BinderReturn,
    BinderIoctl,
    BinderIoctlDone,
    BinderWriteDone,
    BinderReadDone,
    BinderWaitForWork,

    MmapLockStartLocking,
    MmapLockAcquireReturned,
    MmapLockReleased,

    SchedSwitch,
    SchedWakeup,

    /// <summary><c>tracing_mark_write</c> / <c>print</c>: a user-space marker; <see cref="TraceEvent.Text"/> holds the text.</summary>
    TracingMark,
}
