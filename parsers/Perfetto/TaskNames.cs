namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Thread names and thread groups learnt from <c>process_tree</c> packets and from the events that carry
/// comms (sched_switch, sched_wakeup, compact_sched's intern table, task_newtask, task_rename), because a
/// Perfetto ftrace event carries only its tid. Named as ftrace text names them: <c>&lt;idle&gt;</c> for
/// pid 0 and <c>&lt;...&gt;</c> for a task whose name was never seen.
/// </summary>
internal sealed class TaskNames
{
    public const string Unknown = "<...>";
    public const string Idle = "<idle>";

    /// <summary>The kernel's TASK_COMM_LEN is 16 with the NUL: a comm derived from a cmdline is cut to 15 bytes.</summary>
    private const int CommLength = 15;

    private readonly Dictionary<int, string> _comms = [];
    private readonly Dictionary<int, int> _tgids = [];

    public string CommOf(int tid) => tid == 0 ? Idle : _comms.GetValueOrDefault(tid, Unknown);

    public int TgidOf(int tid) => tid == 0 ? 0 : _tgids.GetValueOrDefault(tid, -1);

    public void SetComm(long tid, string? comm)
    {
        if (tid > 0 && tid <= int.MaxValue && !string.IsNullOrEmpty(comm))
        {
            _comms[(int)tid] = comm;
        }
    }

    public void SetTgid(long tid, long tgid)
    {
        if (tid > 0 && tid <= int.MaxValue && tgid > 0 && tgid <= int.MaxValue)
        {
            _tgids[(int)tid] = (int)tgid;
        }
    }

    /// <summary>A process's main thread: its comm from the cmdline's program name unless a thread entry named it.</summary>
    public void SetProcess(long pid, string? firstCmdlineArgument)
    {
        SetTgid(pid, pid);
        if (pid > 0 && pid <= int.MaxValue && !_comms.ContainsKey((int)pid) && !string.IsNullOrEmpty(firstCmdlineArgument))
        {
            var program = firstCmdlineArgument[(firstCmdlineArgument.LastIndexOf('/') + 1)..];
            SetComm(pid, program.Length > CommLength ? program[..CommLength] : program);
        }
    }
}
