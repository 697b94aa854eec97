using BinderTrace.Analysis.Signature;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Fingerprint;

/// <summary>
/// Infers the allocator design from a <see cref="StructuralSignature"/> (KERNEL.md §7 table "mmap_lock events
/// produced by binder allocation"): where the installing task's mmap_lock sits relative to its
/// <c>binder_alloc_page_start…_end</c> windows decides. A design needs the majority of windows; page-concurrent
/// needs nearly all windows free of the mmap write lock and of any enclosing hold, which also requires that
/// mmap_lock events were traced at all. When windows are lock-free, where the per-VMA fallback lands tells
/// page-concurrent (inside install windows, on the sender) from the fault-deferred what-if (on the receiver of a
/// freshly installed buffer, after receiving it); with no fallback at all the two look the same and page-concurrent
/// is named, saying so. LRU order, unmap order and update_page_range sizes are reported with it as corroborating
/// evidence but never override the lock pattern, which is what the designs differ in.
/// </summary>
public static class AllocatorDesignClassifier
{
    /// <summary>Share of install windows one lock pattern must cover to name a design.</summary>
    private const double Majority = 0.5;

    /// <summary>Share of windows that must be free of write locks and enclosing holds for page-concurrent.</summary>
    private const double LockFree = 0.9;

    /// <summary>
    /// Receiver read locks after an installing transaction needed to call fault-deferred. The real captures show
    /// at most 2 such locks (6.12 light: the application's own faults), always with no fallback inside a window
    /// on 7.3 contended; a fault-deferred simulation of the contended and reclaim presets shows 7-15.
    /// </summary>
    private const int FaultEvidence = 3;

    public static DesignFingerprint Classify(StructuralSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var s = signature;
        var windows = s.InstallWindows;
        if (windows == 0)
        {
            return new DesignFingerprint(AllocatorDesign.Unknown, "no complete binder_alloc_page_start/end window: nothing was installed", s);
        }

        if (s.MemcgForm == MemcgForm.Unknown)
        {
            return new DesignFingerprint(AllocatorDesign.Unknown, "no mmap_lock events: enable the mmap_lock tracepoints to tell the designs apart", s);
        }

        if (s.InstallWindowsWithWriteLockInside >= Majority * windows)
        {
            return new DesignFingerprint(AllocatorDesign.PageWrite,
                $"{s.InstallWindowsWithWriteLockInside} of {windows} install windows take the mmap write lock inside: one write lock per page (6.8-6.13)", s);
        }

        if (s.InstallWindowsInsideWriteHold >= Majority * windows)
        {
            return new DesignFingerprint(AllocatorDesign.RangeWrite,
                $"{s.InstallWindowsInsideWriteHold} of {windows} install windows run inside an mmap write hold, {s.WriteHoldsEnclosingSeveralWindows} holds enclose several: range install (6.1.31+, 6.4-6.7)", s);
        }

        if (s.InstallWindowsInsideReadHold >= Majority * windows)
        {
            return new DesignFingerprint(AllocatorDesign.RangeRead,
                $"{s.InstallWindowsInsideReadHold} of {windows} install windows run inside an mmap read hold: range install (6.1.0-6.1.30)", s);
        }

        var unlocked = s.InstallWindowsWithoutLock + s.InstallWindowsWithReadLockInside;
        if (unlocked >= LockFree * windows && s.InstallWindowsWithReadLockInside == 0 && s.ReceiverReadLocksAfterInstall >= FaultEvidence)
        {
            return new DesignFingerprint(AllocatorDesign.FaultDeferred,
                $"no install window takes an mmap_lock, but {s.ReceiverReadLocksAfterInstall} receivers of freshly installed buffers take the mmap read lock before touching binder again: pages are mapped at first touch (fault-deferred what-if)", s);
        }

        if (unlocked >= LockFree * windows)
        {
            var indistinct = s.InstallWindowsWithReadLockInside == 0
                ? $"; no per-VMA fallback was traced on either side ({s.ReceiverReadLocksAfterInstall} receiver read locks after installs), so fault-deferred would look the same"
                : "";
            return new DesignFingerprint(AllocatorDesign.PageConcurrent,
                $"{s.InstallWindowsWithoutLock} of {windows} install windows take no mmap_lock, {s.InstallWindowsWithReadLockInside} fall back to the read lock: per-VMA lock (6.14+){indistinct}", s);
        }

        return new DesignFingerprint(AllocatorDesign.Unknown,
            $"mixed lock patterns over {windows} install windows: {s.InstallWindowsWithWriteLockInside} write inside, {s.InstallWindowsInsideWriteHold} inside write hold, {s.InstallWindowsInsideReadHold} inside read hold, {unlocked} lock-free", s);
    }
}
