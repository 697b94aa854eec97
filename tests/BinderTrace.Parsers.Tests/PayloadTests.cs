using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>
/// Typed payloads (printk formats in KERNEL.md §6–7). Payloads are copied from the real captures where the
/// event occurs there, otherwise written from the printk format; the expected values are read off by hand.
/// </summary>
public class PayloadTests
{
    private const string Prefix = "       binder_wl-272     [003] .....     5.000000: ";

    [Fact]
    public void Update_page_range()
    {
        var e = Single(Prefix + "binder_update_page_range: proc=268 allocate=1 offset=4096 size=8192");
        Assert.Equal(new PageRangeUpdate(268, true, 4096, 8192), e.PageRange);
    }

    [Fact]
    public void Update_page_range_with_a_wrapped_size_keeps_all_64_bits()
    {
        // 6.8+ prints an empty range as 2^64 - 4096 = 18446744073709547520 (KERNEL.md §6, wrap-around pitfall).
        var e = Single(Prefix + "binder_update_page_range: proc=268 allocate=0 offset=8192 size=18446744073709547520");
        Assert.Equal(new PageRangeUpdate(268, false, 8192, ulong.MaxValue - 4095), e.PageRange);
    }

    [Fact]
    public void Update_page_range_sizes_at_the_edges_of_64_bits()
    {
        // 2^64 - 1 = 18446744073709551615, the largest %zu; 20 digits, the most the kernel-order path reads.
        var largest = Single(Prefix + "binder_update_page_range: proc=268 allocate=0 offset=18446744073709551615 size=18446744073709551615");
        Assert.Equal(new PageRangeUpdate(268, false, ulong.MaxValue, ulong.MaxValue), largest.PageRange);

        // Hex is not what the kernel prints, so the kernel-order path leaves it to the by-label parser, which reads 0x%x.
        var hex = Single(Prefix + "binder_update_page_range: proc=268 allocate=1 offset=0x1000 size=0x2000");
        Assert.Equal(new PageRangeUpdate(268, true, 4096, 8192), hex.PageRange);
    }

    [Theory]
    [InlineData("binder_alloc_lru_start", EventKind.BinderAllocLruStart)]
    [InlineData("binder_alloc_lru_end", EventKind.BinderAllocLruEnd)]
    [InlineData("binder_free_lru_start", EventKind.BinderFreeLruStart)]
    [InlineData("binder_free_lru_end", EventKind.BinderFreeLruEnd)]
    [InlineData("binder_alloc_page_start", EventKind.BinderAllocPageStart)]
    [InlineData("binder_alloc_page_end", EventKind.BinderAllocPageEnd)]
    [InlineData("binder_unmap_user_start", EventKind.BinderUnmapUserStart)]
    [InlineData("binder_unmap_user_end", EventKind.BinderUnmapUserEnd)]
    [InlineData("binder_unmap_kernel_start", EventKind.BinderUnmapKernelStart)]
    [InlineData("binder_unmap_kernel_end", EventKind.BinderUnmapKernelEnd)]
    public void Page_class_events(string name, EventKind kind)
    {
        var e = Single(Prefix + name + ": proc=271 page_index=17");
        Assert.Equal(kind, e.Kind);
        Assert.Equal(new PageEvent(271, 17), e.Page);
    }

    [Fact]
    public void Fields_are_read_by_label_in_any_order_and_unknown_ones_are_ignored()
    {
        var e = Single(Prefix + "binder_alloc_page_start: page_index=3 newfield=0xdead proc=271");
        Assert.Equal(new PageEvent(271, 3), e.Page);
    }

    [Fact]
    public void Transaction()
    {
        var e = Single(Prefix + "binder_transaction: transaction=3 dest_node=1 dest_proc=268 dest_thread=0 reply=0 flags=0x11 code=0xb9");
        Assert.Equal(new TransactionEvent(3, 1, 268, 0, 0, 0x11, 0xb9), e.Transaction);
    }

    [Fact]
    public void Transaction_received()
    {
        var e = Single(Prefix + "binder_transaction_received: transaction=2");
        Assert.Equal(2, e.TransactionId);
    }

    [Theory]
    [InlineData("binder_transaction_alloc_buf", EventKind.BinderTransactionAllocBuf)]
    [InlineData("binder_transaction_buffer_release", EventKind.BinderTransactionBufferRelease)]
    [InlineData("binder_transaction_failed_buffer_release", EventKind.BinderTransactionFailedBufferRelease)]
    [InlineData("binder_transaction_update_buffer_release", EventKind.BinderTransactionUpdateBufferRelease)]
    public void Buffer_class_events(string name, EventKind kind)
    {
        var e = Single(Prefix + name + ": transaction=2 data_size=286 offsets_size=8 extra_buffers_size=16");
        Assert.Equal(kind, e.Kind);
        Assert.Equal(new BufferEvent(2, 286, 8, 16), e.Buffer);
    }

    [Fact]
    public void Txn_latency_free_swaps_the_flags_and_code_labels()
    {
        // The kernel prints (code, flags) under the labels "flags=… code=…" (KERNEL.md §6): 0xb9 is the code,
        // 0x1 the flags (TF_ONE_WAY). The real captures agree: the values after "code=" are only 0x0 and 0x1.
        var e = Single(Prefix + "binder_txn_latency_free: transaction=2 from 272:273 to 268:270 flags=0xb9 code=0x1");
        Assert.Equal(new TxnLatencyFreeEvent(2, 272, 273, 268, 270, Code: 0xb9, Flags: 0x1), e.TxnLatencyFree);
    }

    [Fact]
    public void Binder_command_and_return_keep_the_symbolic_name()
    {
        var command = Single(Prefix + "binder_command: cmd=0x630c BC_ENTER_LOOPER");
        Assert.Equal(EventKind.BinderCommand, command.Kind);
        Assert.Equal(new BinderCommandEvent(0x630c, "BC_ENTER_LOOPER"), command.Command);

        var ret = Single(Prefix + "binder_return: cmd=0x7206 BR_TRANSACTION_COMPLETE");
        Assert.Equal(EventKind.BinderReturn, ret.Kind);
        Assert.Equal(new BinderCommandEvent(0x7206, "BR_TRANSACTION_COMPLETE"), ret.Command);
    }

    [Fact]
    public void Ioctl_with_64_bit_argument()
    {
        var e = Single(Prefix + "binder_ioctl: cmd=0xc0046209 arg=0x7ffdc9b099cc");
        Assert.Equal(new IoctlEvent(0xc0046209, 0x7ffdc9b099cc), e.Ioctl);
    }

    [Theory]
    [InlineData("binder_ioctl_done", EventKind.BinderIoctlDone, 0)]
    [InlineData("binder_write_done", EventKind.BinderWriteDone, -14)]
    [InlineData("binder_read_done", EventKind.BinderReadDone, -512)]
    public void Done_events_carry_the_return_value(string name, EventKind kind, int ret)
    {
        var e = Single(Prefix + name + ": ret=" + ret);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(ret, e.ReturnValue);
    }

    [Fact]
    public void Wait_for_work()
    {
        var e = Single(Prefix + "binder_wait_for_work: proc_work=1 transaction_stack=0 thread_todo=1");
        Assert.Equal(new WaitForWorkEvent(true, false, true), e.WaitForWork);
    }

    [Fact]
    public void Mmap_lock_with_memcg_path_up_to_6_13()
    {
        var e = Single(Prefix + "mmap_lock_acquire_returned: mm=000000006c553d24 memcg_path=/ write=true success=false");
        Assert.Equal(EventKind.MmapLockAcquireReturned, e.Kind);
        Assert.Equal(new MmapLockEvent(0x6c553d24, true, false, "/", 0), e.MmapLock);
    }

    [Fact]
    public void Mmap_lock_with_memcg_id_from_6_14()
    {
        var start = Single(Prefix + "mmap_lock_start_locking: mm=000000005db45e8e memcg_id=1 write=false");
        Assert.Equal(EventKind.MmapLockStartLocking, start.Kind);
        Assert.Equal(new MmapLockEvent(0x5db45e8e, false, false, null, 1), start.MmapLock);

        var released = Single(Prefix + "mmap_lock_released: mm=ffff8880057f1a40 memcg_id=42 write=true");
        Assert.Equal(new MmapLockEvent(0xffff8880057f1a40, true, false, null, 42), released.MmapLock);
    }

    [Fact]
    public void Mmap_lock_cgroup_path_with_a_space()
    {
        var e = Single(Prefix + "mmap_lock_released: mm=0000000000000001 memcg_path=/user.slice/my app write=false");
        Assert.Equal("/user.slice/my app", e.MmapLock.MemcgPath);
        Assert.False(e.MmapLock.Write);
    }

    [Fact]
    public void Sched_switch_with_comms_holding_spaces()
    {
        var e = Single(Prefix + "sched_switch: prev_comm=Jit thread pool prev_pid=4321 prev_prio=120 prev_state=D|K ==> next_comm=swapper/3 next_pid=0 next_prio=120");
        Assert.Equal(
            new SchedSwitchEvent("Jit thread pool", 4321, 120, TaskState.DiskSleep | TaskState.Killable, "swapper/3", 0, 120),
            e.SchedSwitch);
    }

    [Fact]
    public void Sched_switch_preempted_running_task()
    {
        var e = Single(Prefix + "sched_switch: prev_comm=binder_wl prev_pid=272 prev_prio=120 prev_state=R+ ==> next_comm=init next_pid=1 next_prio=120");
        Assert.Equal(TaskState.Preempted, e.SchedSwitch.PrevState);
    }

    [Fact]
    public void Sched_wakeup_current_and_old_forms()
    {
        // Copied from the 6.12 capture.
        var current = Single(Prefix + "sched_wakeup: comm=kworker/2:2 pid=80 prio=120 target_cpu=002");
        Assert.Equal(new SchedWakeupEvent("kworker/2:2", 80, 120, 2), current.SchedWakeup);

        // Old kernels also print success=1.
        var old = Single(Prefix + "sched_wakeup: comm=rcu_preempt pid=18 prio=120 success=1 target_cpu=001");
        Assert.Equal(new SchedWakeupEvent("rcu_preempt", 18, 120, 1), old.SchedWakeup);
    }

    [Theory]
    [InlineData("binder_alloc_page_start: proc=271")]
    [InlineData("binder_alloc_page_start: proc=abc page_index=1")]
    [InlineData("binder_update_page_range: proc=268 allocate=0 offset=0 size=18446744073709551616")] // 2^64: overflows 20 digits
    [InlineData("binder_update_page_range: proc=268 allocate=0 offset=0 size=184467440737095516150")] // 21 digits
    [InlineData("binder_update_page_range: proc=268 allocate=0 offset=-4096 size=0")]
    [InlineData("binder_transaction: transaction=3 dest_node=1")]
    [InlineData("binder_txn_latency_free: transaction=2 from 272 to 268:270 flags=0x0 code=0x1")]
    [InlineData("mmap_lock_acquire_returned: mm=000000006c553d24 memcg_path=/ write=true")]
    [InlineData("mmap_lock_released: mm=zz memcg_id=1 write=true")]
    [InlineData("sched_switch: prev_comm=a prev_pid=1")]
    public void Malformed_typed_payload_is_kept_as_generic_and_counted(string body)
    {
        var (events, source) = Parse(Prefix + body + "\n");
        var e = Assert.Single(events);
        Assert.Equal(EventKind.Generic, e.Kind);
        Assert.Equal(body[..body.IndexOf(':')], e.Name);
        Assert.Equal(body[(body.IndexOf(':') + 2)..], e.Text);
        Assert.Equal(1, source.Diagnostics.MalformedPayloads);
    }

    [Fact]
    public void Malformed_typed_payload_in_strict_mode_names_what_was_expected()
    {
        var source = Open("# tracer: nop\n" + Prefix + "binder_alloc_page_start: proc=271\n", Strict);
        var error = Assert.Throws<TraceFormatException>(() => ReadAll(source));
        Assert.Equal(2, error.LineNumber);
        Assert.Equal("# tracer: nop\n".Length, error.ByteOffset);
        Assert.Contains("proc=%d page_index=%zu", error.Message);
        Assert.StartsWith("test.trace:2 (byte 14)", error.Message);
    }
}
