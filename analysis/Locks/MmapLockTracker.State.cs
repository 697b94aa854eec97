using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Locks;

/// <summary>Open waits and holds of <see cref="MmapLockTracker"/>, per task and per mm.</summary>
public sealed partial class MmapLockTracker
{
    private sealed class TaskLocks
    {
        public OpenWait? Pending { get; set; }

        public List<OpenHold> Holds { get; } = [];
    }

    private sealed class MmLocks(ulong mm)
    {
        public MmLockStatistics Stats { get; } = new(mm);

        public List<OpenHold> Holders { get; } = [];

        public List<OpenWait> Waiters { get; } = [];
    }

    /// <summary>Waits and holds are recycled: lock events are the most frequent events in a trace.</summary>
    private sealed class OpenWait
    {
        public int Pid;
        public string Comm = "";
        public ulong Mm;
        public LockMode Mode;
        public long Start;
        public long End;
        public int Cpu;

        public List<OpenHold> Blockers { get; } = [];
    }

    private sealed class OpenHold
    {
        public int Pid;
        public string Comm = "";
        public ulong Mm;
        public LockMode Mode;
        public long Start;
        public int Cpu;
        public OpenWait? Wait;
        public bool Binder;
        public long WaitsBlocked;
        public long BlockedNs;

        public List<OpenWait> BlockedWaits { get; } = [];
    }
}
