namespace BinderTrace.Events;

/// <summary>
/// <c>sched_switch</c> prev_state as the kernel prints it (<c>R</c>, <c>S</c>, <c>D</c>, <c>R+</c>, <c>D|K</c>…),
/// kept as flags so the event stays allocation-free. <see cref="Running"/> is the empty set, printed "R".
/// </summary>
[Flags]
public enum TaskState : short
{
    Running = 0,
    Sleeping = 1 << 0,        // S
    DiskSleep = 1 << 1,       // D
    Stopped = 1 << 2,         // T
    Traced = 1 << 3,          // t
    Dead = 1 << 4,            // X
    Zombie = 1 << 5,          // Z
    Parked = 1 << 6,          // P
    Idle = 1 << 7,            // I
    Killable = 1 << 8,        // K (wake-kill)
    Waking = 1 << 9,          // W
    NoLoad = 1 << 10,         // N
    Preempted = 1 << 11,      // trailing '+'
    Unknown = 1 << 12,        // a letter this build does not know; the raw text is not kept
}

/// <summary>Text form of <see cref="TaskState"/>, matching the kernel's <c>__print_flags(…, "|", …)</c> output.</summary>
public static class TaskStateText
{
    private static readonly (TaskState Flag, char Letter)[] Letters =
    [
        (TaskState.Sleeping, 'S'), (TaskState.DiskSleep, 'D'), (TaskState.Stopped, 'T'), (TaskState.Traced, 't'),
        (TaskState.Dead, 'X'), (TaskState.Zombie, 'Z'), (TaskState.Parked, 'P'), (TaskState.Idle, 'I'),
        (TaskState.Killable, 'K'), (TaskState.Waking, 'W'), (TaskState.NoLoad, 'N'),
    ];

    /// <summary>Parses "R", "S", "R+", "D|K", "I"… Unknown letters set <see cref="TaskState.Unknown"/>.</summary>
    public static TaskState Parse(ReadOnlySpan<char> text)
    {
        var state = TaskState.Running;
        foreach (var c in text)
        {
            if (c is '|' or 'R')
            {
                continue;
            }

            if (c == '+')
            {
                state |= TaskState.Preempted;
                continue;
            }

            var known = false;
            foreach (var (flag, letter) in Letters)
            {
                if (letter == c)
                {
                    state |= flag;
                    known = true;
                    break;
                }
            }

            if (!known)
            {
                state |= TaskState.Unknown;
            }
        }

        return state;
    }

    public static string Format(TaskState state)
    {
        var core = state & ~TaskState.Preempted & ~TaskState.Unknown;
        var text = core == TaskState.Running
            ? "R"
            : string.Join('|', Letters.Where(l => core.HasFlag(l.Flag)).Select(l => l.Letter.ToString()));
        return state.HasFlag(TaskState.Preempted) ? text + "+" : text;
    }
}
