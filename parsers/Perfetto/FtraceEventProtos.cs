using System.Collections.Frozen;
using System.Globalization;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>One typed ftrace proto: the event name and the kernel field name of each proto field number.</summary>
internal sealed class FtraceEventProto(string eventName, params string[] fieldNames)
{
    public string EventName { get; } = eventName;

    /// <summary>The kernel field name of proto field <paramref name="number"/> (1-based), or "fN" for one this build does not name.</summary>
    public string FieldName(int number) =>
        number >= 1 && number <= fieldNames.Length ? fieldNames[number - 1] : "f" + number.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The typed <c>FtraceEvent</c> payloads (the <c>oneof</c> in Perfetto's <c>ftrace_event.proto</c>, field
/// numbers from FORMATS.md §3.4) this reader names. Perfetto's proto field names are the kernel's field names
/// for every event here, so <see cref="Events.NamedFieldEvents"/> types them as it types a binary record.
/// </summary>
internal static class FtraceEventProtos
{
    public const int Print = 3;
    public const int SchedSwitch = 4;
    public const int SchedWakeup = 17;
    public const int TaskNewtask = 235;
    public const int TaskRename = 236;
    public const int Generic = 327;

    /// <summary>Field ids from here up are dense self-describing generic events (FORMATS.md §3.4).</summary>
    public const int FirstDenseGenericId = 65536;

    private static readonly string[] Wakeup = ["comm", "pid", "prio", "success", "target_cpu"];

    private static readonly FrozenDictionary<int, FtraceEventProto> ByField = new Dictionary<int, FtraceEventProto>
    {
        [Print] = new("print", "ip", "buf"),
        [SchedSwitch] = new("sched_switch", "prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio"),
        [11] = new("cpu_frequency", "state", "cpu_id"),
        [13] = new("cpu_idle", "state", "cpu_id"),
        [SchedWakeup] = new("sched_wakeup", Wakeup),
        [20] = new("sched_waking", Wakeup),
        [24] = new("softirq_entry", "vec"),
        [25] = new("softirq_exit", "vec"),
        [36] = new("irq_handler_entry", "irq", "name", "handler"),
        [37] = new("irq_handler_exit", "irq", "ret"),
        [50] = new("binder_transaction", "debug_id", "target_node", "to_proc", "to_thread", "reply", "code", "flags"),
        [51] = new("binder_transaction_received", "debug_id"),
        [52] = new("binder_set_priority", "proc", "thread", "old_prio", "new_prio", "desired_prio"),
        [53] = new("binder_lock", "tag"),
        [54] = new("binder_locked", "tag"),
        [55] = new("binder_unlock", "tag"),
        [114] = new("sched_wakeup_new", Wakeup),
        [TaskNewtask] = new("task_newtask", "pid", "comm", "clone_flags", "oom_score_adj"),
        [TaskRename] = new("task_rename", "pid", "oldcomm", "newcomm", "oom_score_adj"),
        [237] = new("sched_process_exec", "filename", "pid", "old_pid"),
        [238] = new("sched_process_exit", "comm", "pid", "tgid", "prio"),
        [239] = new("sched_process_fork", "parent_comm", "parent_pid", "child_comm", "child_pid"),
        [240] = new("sched_process_free", "comm", "pid", "prio"),
        [323] = new("binder_transaction_alloc_buf", "data_size", "debug_id", "offsets_size", "extra_buffers_size"),
        [329] = new("sys_enter", "id"),
        [330] = new("sys_exit", "id", "ret"),
        [485] = new("binder_command", "cmd"),
        [486] = new("binder_return", "cmd"),
        [542] = new("kprobe_event", "name", "type"),
    }.ToFrozenDictionary();

    /// <summary>The proto for FtraceEvent field <paramref name="field"/>; an id this build does not know gets a name from its number.</summary>
    public static FtraceEventProto Of(int field) =>
        ByField.TryGetValue(field, out var proto)
            ? proto
            : new FtraceEventProto("ftrace_event_" + field.ToString(CultureInfo.InvariantCulture));

    public static bool IsKnown(int field) => ByField.ContainsKey(field);
}
