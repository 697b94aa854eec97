using System.Collections.Frozen;

namespace BinderTrace.Events;

/// <summary>Maps kernel event names to <see cref="EventKind"/> and back.</summary>
public static class EventNames
{
    private static readonly string[] NameByKind = BuildNames();

    private static readonly FrozenDictionary<string, EventKind> KindByName = BuildKinds();

    /// <summary>The kernel's name for a typed kind (the name printed before the payload).</summary>
    public static string Of(EventKind kind) => NameByKind[(int)kind];

    /// <summary>The typed kind for a kernel event name, or <see cref="EventKind.Generic"/>.</summary>
    public static EventKind KindOf(string name) => KindByName.GetValueOrDefault(name, EventKind.Generic);

    /// <summary>Span lookup for parsers: no string is allocated for known names.</summary>
    public static EventKind KindOf(ReadOnlySpan<char> name) =>
        KindByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var kind) ? kind : EventKind.Generic;

    /// <summary>All typed kinds with their kernel names (excludes Generic and LostEvents).</summary>
    public static IEnumerable<KeyValuePair<string, EventKind>> All => KindByName;

    private static string[] BuildNames()
    {
        var names = new string[Enum.GetValues<EventKind>().Length];
        names[(int)EventKind.Generic] = "";
        names[(int)EventKind.LostEvents] = "lost_events";
        names[(int)EventKind.BinderUpdatePageRange] = "binder_update_page_range";
        names[(int)EventKind.BinderAllocLruStart] = "binder_alloc_lru_start";
        names[(int)EventKind.BinderAllocLruEnd] = "binder_alloc_lru_end";
        names[(int)EventKind.BinderFreeLruStart] = "binder_free_lru_start";
        names[(int)EventKind.BinderFreeLruEnd] = "binder_free_lru_end";
        names[(int)EventKind.BinderAllocPageStart] = "binder_alloc_page_start";
        names[(int)EventKind.BinderAllocPageEnd] = "binder_alloc_page_end";
        names[(int)EventKind.BinderUnmapUserStart] = "binder_unmap_user_start";
        names[(int)EventKind.BinderUnmapUserEnd] = "binder_unmap_user_end";
        names[(int)EventKind.BinderUnmapKernelStart] = "binder_unmap_kernel_start";
        names[(int)EventKind.BinderUnmapKernelEnd] = "binder_unmap_kernel_end";
        names[(int)EventKind.BinderTransaction] = "binder_transaction";
        names[(int)EventKind.BinderTransactionReceived] = "binder_transaction_received";
        names[(int)EventKind.BinderTransactionAllocBuf] = "binder_transaction_alloc_buf";
        names[(int)EventKind.BinderTransactionBufferRelease] = "binder_transaction_buffer_release";
        names[(int)EventKind.BinderTransactionFailedBufferRelease] = "binder_transaction_failed_buffer_release";
        names[(int)EventKind.BinderTransactionUpdateBufferRelease] = "binder_transaction_update_buffer_release";
        names[(int)EventKind.BinderTxnLatencyFree] = "binder_txn_latency_free";
        names[(int)EventKind.BinderCommand] = "binder_command";
        names[(int)EventKind.BinderReturn] = "binder_return";
        names[(int)EventKind.BinderIoctl] = "binder_ioctl";
        names[(int)EventKind.BinderIoctlDone] = "binder_ioctl_done";
        names[(int)EventKind.BinderWriteDone] = "binder_write_done";
        names[(int)EventKind.BinderReadDone] = "binder_read_done";
        names[(int)EventKind.BinderWaitForWork] = "binder_wait_for_work";
        names[(int)EventKind.MmapLockStartLocking] = "mmap_lock_start_locking";
        names[(int)EventKind.MmapLockAcquireReturned] = "mmap_lock_acquire_returned";
        names[(int)EventKind.MmapLockReleased] = "mmap_lock_released";
        names[(int)EventKind.SchedSwitch] = "sched_switch";
        names[(int)EventKind.SchedWakeup] = "sched_wakeup";
        names[(int)EventKind.TracingMark] = "tracing_mark_write";
        return names;
    }

    private static FrozenDictionary<string, EventKind> BuildKinds()
    {
        var map = new Dictionary<string, EventKind>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            if (kind is EventKind.Generic or EventKind.LostEvents)
            {
                continue;
            }

            map[NameByKind[(int)kind]] = kind;
        }

        // The kernel prints trace_marker writes as "tracing_mark_write", or "0"/"print" when the ip symbol is unknown.
        map["print"] = EventKind.TracingMark;
        map["0"] = EventKind.TracingMark;
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
