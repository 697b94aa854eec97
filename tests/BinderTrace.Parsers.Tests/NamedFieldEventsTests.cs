using BinderTrace.Events;
using static BinderTrace.Tests.TraceInput;

namespace BinderTrace.Tests;

/// <summary>
/// A binary record typed by field name must give the very event the text reader gives for the same record. Each
/// case is a real line from the shared captures (or written from the printk format) and the field values a
/// binary reader would decode for it, read off the line by hand under the kernel's field names (formats/ files):
/// the text reader, which reads printk labels, is the independent side of each comparison.
/// </summary>
public class NamedFieldEventsTests
{
    private const string Prefix = "       binder_wl-272     [003] .....     5.000000: ";

    public static TheoryData<string, string, (string, object)[]> Cases() => new()
    {
        {
            "binder_update_page_range: proc=231 allocate=1 offset=0 size=4096", "binder_update_page_range",
            [("proc", 231L), ("allocate", 1L), ("offset", 0L), ("size", 4096L)]
        },
        {
            "binder_alloc_page_start: proc=271 page_index=17", "binder_alloc_page_start",
            [("proc", 271L), ("page_index", 17L)]
        },
        {
            "binder_transaction: transaction=3 dest_node=1 dest_proc=268 dest_thread=0 reply=0 flags=0x11 code=0xb9", "binder_transaction",
            [("debug_id", 3L), ("target_node", 1L), ("to_proc", 268L), ("to_thread", 0L), ("reply", 0L), ("code", 0xb9L), ("flags", 0x11L)]
        },
        { "binder_transaction_received: transaction=3", "binder_transaction_received", [("debug_id", 3L)] },
        {
            "binder_transaction_alloc_buf: transaction=3 data_size=200 offsets_size=8 extra_buffers_size=0", "binder_transaction_alloc_buf",
            [("debug_id", 3L), ("data_size", 200L), ("offsets_size", 8L), ("extra_buffers_size", 0L)]
        },
        {
            // The kernel prints (code, flags) under the labels "flags=" then "code=" (KERNEL.md §6).
            "binder_txn_latency_free: transaction=2 from 0:0 to 267:0 flags=0x0 code=0x1", "binder_txn_latency_free",
            [("debug_id", 2L), ("from_proc", 0L), ("from_thread", 0L), ("to_proc", 267L), ("to_thread", 0L), ("code", 0L), ("flags", 1L)]
        },
        { "binder_command: cmd=0x40086303 BC_FREE_BUFFER", "binder_command", [("cmd", 0x40086303L)] },
        { "binder_command: cmd=0x630c BC_ENTER_LOOPER", "binder_command", [("cmd", 0x630cL)] },
        { "binder_return: cmd=0x7206 BR_TRANSACTION_COMPLETE", "binder_return", [("cmd", 0x7206L)] },
        { "binder_return: cmd=0x80407202 BR_TRANSACTION", "binder_return", [("cmd", 0x80407202L)] },
        { "binder_ioctl: cmd=0xc0046209 arg=0x7ffd976f444c", "binder_ioctl", [("cmd", 0xc0046209L), ("arg", 0x7ffd976f444cL)] },
        { "binder_ioctl_done: ret=-11", "binder_ioctl_done", [("ret", -11L)] },
        {
            "binder_wait_for_work: proc_work=1 transaction_stack=0 thread_todo=0", "binder_wait_for_work",
            [("proc_work", 1L), ("transaction_stack", 0L), ("thread_todo", 0L)]
        },
        {
            "mmap_lock_acquire_returned: mm=000000009cb74904 memcg_id=1 write=true success=true", "mmap_lock_acquire_returned",
            [("mm", 0x9cb74904L), ("memcg_id", 1L), ("write", 1L), ("success", 1L)]
        },
        {
            "mmap_lock_start_locking: mm=00000000302c2032 memcg_path=/ write=false", "mmap_lock_start_locking",
            [("mm", 0x302c2032L), ("memcg_path", "/"), ("write", 0L)]
        },
        {
            "sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=init next_pid=266 next_prio=120", "sched_switch",
            [("prev_comm", "swapper/0"), ("prev_pid", 0L), ("prev_prio", 120L), ("prev_state", 0L), ("next_comm", "init"), ("next_pid", 266L), ("next_prio", 120L)]
        },
        {
            // prev_state 0x102: D (0x02) and TASK_REPORT_MAX (0x100), printed "D+".
            "sched_switch: prev_comm=binder_wl prev_pid=271 prev_prio=120 prev_state=D+ ==> next_comm=swapper/1 next_pid=0 next_prio=120", "sched_switch",
            [("prev_comm", "binder_wl"), ("prev_pid", 271L), ("prev_prio", 120L), ("prev_state", 0x102L), ("next_comm", "swapper/1"), ("next_pid", 0L), ("next_prio", 120L)]
        },
        {
            "sched_wakeup: comm=kworker/2:1 pid=60 prio=120 target_cpu=002", "sched_wakeup",
            [("comm", "kworker/2:1"), ("pid", 60L), ("prio", 120L), ("target_cpu", 2L)]
        },
        {
            // trace_marker stores the newline it appends; the text line ends before it.
            "tracing_mark_write: binder_wl: phase A-warmup begin", "print",
            [("ip", 0L), ("buf", "binder_wl: phase A-warmup begin\n")]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_record_typed_by_field_name_equals_the_text_readers_event(string payload, string eventName, (string, object)[] fields)
    {
        var fromText = Single(Prefix + payload);
        var header = fromText.Header;

        Assert.True(NamedFieldEvents.TryCreate(header, eventName, new FieldValues(fields), out var fromFields));

        Assert.NotEqual(EventKind.Generic, fromText.Kind);
        Assert.Equal(fromText, fromFields);
    }

    [Fact]
    public void Alloc_buf_without_extra_buffers_size_reads_it_as_zero_as_the_text_reader_does()
    {
        var header = new EventHeader(5_000_000_000, 3, 272, -1, "binder_wl");
        var fields = new FieldValues([("debug_id", 7L), ("data_size", 64L), ("offsets_size", 0L)]);

        Assert.True(NamedFieldEvents.TryCreate(header, "binder_transaction_alloc_buf", fields, out var e));

        Assert.Equal(new BufferEvent(7, 64, 0, 0), e.Buffer);
    }

    [Theory]
    [InlineData("binder_alloc_page_start", "proc")]
    [InlineData("mmap_lock_acquire_returned", "success")]
    [InlineData("mmap_lock_released", "memcg_id")]
    [InlineData("sched_switch", "next_comm")]
    public void A_typed_event_missing_a_required_field_is_refused(string eventName, string missing)
    {
        (string, object)[] all =
        [
            ("proc", 1L), ("page_index", 2L), ("mm", 3L), ("write", 1L), ("success", 1L), ("memcg_id", 1L),
            ("prev_comm", "a"), ("prev_pid", 1L), ("prev_prio", 120L), ("prev_state", 1L), ("next_comm", "b"),
            ("next_pid", 2L), ("next_prio", 120L),
        ];
        var fields = new FieldValues([.. all.Where(f => f.Item1 != missing)]);

        Assert.False(NamedFieldEvents.TryCreate(new EventHeader(1, 0, 1, -1, "x"), eventName, fields, out _));
    }

    [Fact]
    public void An_untyped_event_is_refused()
    {
        Assert.False(NamedFieldEvents.TryCreate(new EventHeader(1, 0, 1, -1, "x"), "irq_handler_entry", new FieldValues([("irq", 1L)]), out _));
    }

    [Theory]
    [InlineData(0x6312u, "BC_REPLY_SG")]
    [InlineData(0x6315u, "BC_FREEZE_NOTIFICATION_DONE")]
    [InlineData(0x6316u, "unknown")]
    public void Command_names_follow_the_kernels_table_and_say_unknown_past_its_end(uint cmd, string expected)
    {
        Assert.Equal(expected, BinderProtocolNames.Command(cmd));
    }

    [Theory]
    [InlineData(0x720cu, "BR_NOOP")]
    [InlineData(0x7216u, "BR_CLEAR_FREEZE_NOTIFICATION_DONE")]
    [InlineData(0x7217u, "unknown")]
    public void Return_names_follow_the_kernels_table_and_say_unknown_past_its_end(uint cmd, string expected)
    {
        Assert.Equal(expected, BinderProtocolNames.Return(cmd));
    }

    private sealed class FieldValues((string Name, object Value)[] fields) : INamedFieldValues
    {
        public bool TryGetInteger(string fieldName, out long value)
        {
            foreach (var (name, v) in fields)
            {
                if (name == fieldName && v is long l)
                {
                    value = l;
                    return true;
                }
            }

            value = 0;
            return false;
        }

        public bool TryGetString(string fieldName, out string? value)
        {
            foreach (var (name, v) in fields)
            {
                if (name == fieldName && v is string s)
                {
                    value = s;
                    return true;
                }
            }

            value = null;
            return false;
        }
    }
}
