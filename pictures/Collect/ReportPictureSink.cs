using BinderTrace.Analysis.Quantiles;
using BinderTrace.Analysis.Records;
using BinderTrace.Events;

namespace BinderTrace.Pictures.Collect;

/// <summary>
/// What the HTML report draws beyond <see cref="Analysis.Reporting.TraceReport"/>, gathered from the analysis' rows
/// as they close, with memory bounded independently of trace length: the longest holds and waits
/// (<see cref="LongestIntervals{T}"/>; the events were already narrowed to the command's focus, <c>--window</c> among
/// it, before the analysis), installs and reclaims per process in time bins, and hold and wait
/// distributions of tasks that were not doing binder page work (the report keeps all and binder's only).
/// </summary>
public sealed class ReportPictureSink : IAnalysisSink
{
    public const int DefaultMaxIntervals = 3000;

    private readonly Dictionary<int, TimeBinnedCounts> _installs = [];
    private readonly Dictionary<int, TimeBinnedCounts> _reclaims = [];
    private readonly DurationDistribution[] _otherHoldNs = [new(), new()];
    private readonly DurationDistribution[] _otherWaitNs = [new(), new()];

    public ReportPictureSink(int maxIntervals = DefaultMaxIntervals)
    {
        Holds = new LongestIntervals<MmapLockHold>(maxIntervals);
        Waits = new LongestIntervals<MmapLockWait>(maxIntervals);
    }

    internal LongestIntervals<MmapLockHold> Holds { get; }

    internal LongestIntervals<MmapLockWait> Waits { get; }

    /// <summary>FREE → ACTIVE transitions per binder process (the end of a FREE interval).</summary>
    internal IReadOnlyDictionary<int, TimeBinnedCounts> Installs => _installs;

    /// <summary>Pages returned to FREE per binder process (the start of a FREE interval inside the trace).</summary>
    internal IReadOnlyDictionary<int, TimeBinnedCounts> Reclaims => _reclaims;

    public DurationDistribution OtherHoldNs(LockMode mode) => _otherHoldNs[(int)mode];

    public DurationDistribution OtherWaitNs(LockMode mode) => _otherWaitNs[(int)mode];

    public void OnPageInterval(in PageInterval interval)
    {
        if (interval.State != PageState.Free)
        {
            return;
        }

        if (interval.EndNs >= 0)
        {
            BinsOf(_installs, interval.Proc).Add(interval.EndNs);
        }

        if (interval.StartNs >= 0)
        {
            BinsOf(_reclaims, interval.Proc).Add(interval.StartNs);
        }
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        if (!hold.Binder)
        {
            _otherHoldNs[(int)hold.Mode].Add(hold.DurationNs);
        }

        Holds.Offer(hold, hold.DurationNs);
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        if (!wait.Binder)
        {
            _otherWaitNs[(int)wait.Mode].Add(wait.DurationNs);
        }

        Waits.Offer(wait, wait.DurationNs);
    }

    public void OnTransaction(TransactionRecord transaction)
    {
    }

    private static TimeBinnedCounts BinsOf(Dictionary<int, TimeBinnedCounts> bins, int proc)
    {
        if (!bins.TryGetValue(proc, out var counts))
        {
            counts = new TimeBinnedCounts();
            bins[proc] = counts;
        }

        return counts;
    }
}
