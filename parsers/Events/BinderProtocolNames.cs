namespace BinderTrace.Events;

/// <summary>
/// The symbolic names binder_command / binder_return print after <c>cmd=0x%x</c>: the kernel indexes
/// <c>binder_command_strings</c> / <c>binder_return_strings</c> (drivers/android/binder.c, in the order of
/// enum binder_driver_command_protocol / binder_driver_return_protocol in uapi/linux/android/binder.h) by
/// <c>_IOC_NR(cmd)</c>, and prints "unknown" past the end. Binary traces carry only <c>cmd</c>, so their
/// readers name it here. The tables are the newest kernel's; an older kernel prints "unknown" for the
/// few codes it lacks, which then differ.
/// </summary>
public static class BinderProtocolNames
{
    private static readonly string[] Commands =
    [
        "BC_TRANSACTION", "BC_REPLY", "BC_ACQUIRE_RESULT", "BC_FREE_BUFFER", "BC_INCREFS", "BC_ACQUIRE",
        "BC_RELEASE", "BC_DECREFS", "BC_INCREFS_DONE", "BC_ACQUIRE_DONE", "BC_ATTEMPT_ACQUIRE",
        "BC_REGISTER_LOOPER", "BC_ENTER_LOOPER", "BC_EXIT_LOOPER", "BC_REQUEST_DEATH_NOTIFICATION",
        "BC_CLEAR_DEATH_NOTIFICATION", "BC_DEAD_BINDER_DONE", "BC_TRANSACTION_SG", "BC_REPLY_SG",
        "BC_REQUEST_FREEZE_NOTIFICATION", "BC_CLEAR_FREEZE_NOTIFICATION", "BC_FREEZE_NOTIFICATION_DONE",
    ];

    private static readonly string[] Returns =
    [
        "BR_ERROR", "BR_OK", "BR_TRANSACTION", "BR_REPLY", "BR_ACQUIRE_RESULT", "BR_DEAD_REPLY",
        "BR_TRANSACTION_COMPLETE", "BR_INCREFS", "BR_ACQUIRE", "BR_RELEASE", "BR_DECREFS", "BR_ATTEMPT_ACQUIRE",
        "BR_NOOP", "BR_SPAWN_LOOPER", "BR_FINISHED", "BR_DEAD_BINDER", "BR_CLEAR_DEATH_NOTIFICATION_DONE",
        "BR_FAILED_REPLY", "BR_FROZEN_REPLY", "BR_ONEWAY_SPAM_SUSPECT", "BR_TRANSACTION_PENDING_FROZEN",
        "BR_FROZEN_BINDER", "BR_CLEAR_FREEZE_NOTIFICATION_DONE",
    ];

    public static string Command(uint cmd) => Lookup(Commands, cmd);

    public static string Return(uint cmd) => Lookup(Returns, cmd);

    private static string Lookup(string[] names, uint cmd)
    {
        var nr = (int)(cmd & 0xff);
        return nr < names.Length ? names[nr] : "unknown";
    }
}
