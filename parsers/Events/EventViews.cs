namespace BinderTrace.Events;

/// <summary><c>binder_{alloc_lru,free_lru,alloc_page,unmap_user,unmap_kernel}_{start,end}</c>: "proc=%d page_index=%zu".</summary>
public readonly record struct PageEvent(int Proc, long PageIndex);

/// <summary>
/// <c>binder_update_page_range</c>: "proc=%d allocate=%d offset=%zu size=%zu". <see cref="Offset"/> is the byte
/// offset from the mapping base; from 6.8 the size can wrap around (an empty range printed as 2^64 − n).
/// </summary>
public readonly record struct PageRangeUpdate(int Proc, bool Allocate, ulong Offset, ulong Size);

/// <summary><c>binder_transaction</c>: "transaction=%d dest_node=%d dest_proc=%d dest_thread=%d reply=%d flags=0x%x code=0x%x".</summary>
public readonly record struct TransactionEvent(int DebugId, int TargetNode, int ToProc, int ToThread, int Reply, uint Flags, uint Code);

/// <summary>Buffer class (<c>binder_transaction_alloc_buf</c> and the buffer-release events): "transaction=%d data_size=%zd offsets_size=%zd extra_buffers_size=%zd".</summary>
public readonly record struct BufferEvent(int DebugId, long DataSize, long OffsetsSize, long ExtraBuffersSize);

/// <summary>
/// <c>binder_txn_latency_free</c>. The kernel passes its arguments as (code, flags) to a format that labels
/// them "flags=… code=…", so <see cref="Code"/> is the number printed after "flags=" and <see cref="Flags"/>
/// the number after "code=" (KERNEL.md §6).
/// </summary>
public readonly record struct TxnLatencyFreeEvent(int DebugId, int FromProc, int FromThread, int ToProc, int ToThread, uint Code, uint Flags);

/// <summary><c>binder_command</c> / <c>binder_return</c>: "cmd=0x%x %s".</summary>
public readonly record struct BinderCommandEvent(uint Cmd, string CommandName);

/// <summary><c>binder_ioctl</c>: "cmd=0x%x arg=0x%lx".</summary>
public readonly record struct IoctlEvent(uint Cmd, ulong Arg);

/// <summary><c>binder_wait_for_work</c>: "proc_work=%d transaction_stack=%d thread_todo=%d".</summary>
public readonly record struct WaitForWorkEvent(bool ProcWork, bool TransactionStack, bool ThreadTodo);

/// <summary>
/// mmap_lock tracepoints. <see cref="Mm"/> is the printed pointer (hashed in text traces: an identity within
/// one file only). <see cref="MemcgPath"/> is set for the "memcg_path=" form, else <see cref="MemcgId"/> holds
/// the "memcg_id=" value. <see cref="Success"/> is meaningful for acquire_returned only.
/// </summary>
public readonly record struct MmapLockEvent(ulong Mm, bool Write, bool Success, string? MemcgPath, ulong MemcgId);

public readonly record struct SchedSwitchEvent(string PrevComm, int PrevPid, int PrevPrio, TaskState PrevState, string NextComm, int NextPid, int NextPrio);

public readonly record struct SchedWakeupEvent(string Comm, int Pid, int Prio, int TargetCpu);
