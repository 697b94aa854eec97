using System.Numerics;
using BinderTrace.Analysis.Records;
using BinderTrace.Analysis.Transactions;
using BinderTrace.Events;
using BinderTrace.Focus;

namespace BinderTrace.Analysis.Reporting;

/// <summary>The analysis of one marked phase, derived from the whole trace's analysis (see <see cref="PhaseBreakdown"/>), with its spans.</summary>
public sealed record PhaseReport(string Name, IReadOnlyList<PhaseSpan> Spans, TraceReport Report)
{
    /// <summary>Time inside the phase's spans (an unclosed span counts up to the trace's last event).</summary>
    public long DurationNs(long traceEndNs) => Spans.Sum(s => (s.EndNs < 0 ? traceEndNs : s.EndNs) - s.StartNs);
}

/// <summary>
/// Each marked phase's report, derived from the one whole-trace analysis, so a phase knows the state from before it
/// (a page put on the LRU earlier, a hold taken earlier). A record (latency, hold, wait, blocker, transaction) belongs
/// to the phases open at its start; a counter of a phase is the sum over its spans of (value after the end marker −
/// value before the begin marker); page states at its end are those at its last span's end. Spans hold their begin
/// and end markers; a reinstall after reclaim belongs where the reinstall is, like its count. Records reach the phases
/// as an <see cref="IAnalysisSink"/> of the trackers (transactions as values, <see cref="ITransactionCounts"/>);
/// counters are read at phase markers only, so phases add no work per event. At most <see cref="MaxPhases"/> names are
/// broken down; the events inside later ones are counted (<c>phases_not_broken_down</c>).
/// </summary>
internal sealed class PhaseBreakdown(TraceAnalyzer analyzer, AnalysisOptions options) : IAnalysisSink, ITransactionCounts
{
    public const int MaxPhases = 32;

    private readonly PhaseTracker _phases = new();
    private readonly PhaseMembership _membership = new();
    private readonly List<PhaseBook> _books = [];
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pastLimitOpenedAt = new(StringComparer.Ordinal);
    private long _eventsNotBrokenDown;

    /// <summary>Handles a <c>tracing_mark_write</c> event: snapshots around it for the phases it opens and closes, and the analysis of the event itself in between.</summary>
    public void OnMarker(in TraceEvent e)
    {
        var before = _phases.OpenNames.ToList();
        if (!_phases.OnEvent(e))
        {
            analyzer.Process(e);
            return;
        }

        var after = _phases.OpenNames.ToList();
        var opened = after.Except(before).ToList();
        if (opened.Count > 0)
        {
            // Taken before the begin marker is counted: the marker is the phase's first event.
            var at = analyzer.Snapshot();
            foreach (var name in opened)
            {
                if (BitOf(name) is { } bit)
                {
                    _books[bit].Open(at, e.Timestamp);
                    _membership.Open(bit, e.Timestamp);
                }
                else if (options.Phase is null)
                {
                    _pastLimitOpenedAt[name] = at.Events;
                }
            }
        }

        analyzer.Process(e);
        var closed = before.Except(after).ToList();
        if (closed.Count > 0)
        {
            var at = analyzer.Snapshot();
            foreach (var name in closed)
            {
                Close(name, at, e.Timestamp);
            }
        }
    }

    /// <summary>Whether <paramref name="timestamp"/> lies inside a span of <paramref name="phase"/> (false for a phase not broken down).</summary>
    public bool Contains(string phase, long timestamp) =>
        _bits.TryGetValue(phase, out var bit) && (_membership.MaskAt(timestamp) & (1u << bit)) != 0;

    /// <summary>The phases' reports once the trackers have finished (the end closes spans still open); adds <c>phases_not_broken_down</c> to <paramref name="counters"/>.</summary>
    public List<PhaseReport> Finish(
        AnalysisSnapshot end, long lastTimestamp, TraceSourceInfo info, TraceDiagnostics diagnostics,
        IReadOnlyList<MarkerSnapshot> markers, AnalysisCounters counters)
    {
        foreach (var name in _phases.OpenNames.ToList())
        {
            Close(name, end, lastTimestamp);
        }

        counters.Increment("phases_not_broken_down", _eventsNotBrokenDown);
        var phaseOptions = options with { PhaseBreakdown = false };
        return _books.Select(book =>
        {
            var bit = _bits[book.Name];
            var inPhase = markers.Where(m => (_membership.MaskAt(m.TimestampNs) & (1u << bit)) != 0).ToList();
            var focus = ((options.Focus ?? new TraceFocus()) with { Phase = book.Name }).ToString();
            var parts = book.Parts(analyzer, inPhase, focus);
            return new PhaseReport(
                book.Name,
                _phases.Spans.Where(s => s.Name == book.Name).ToList(),
                ReportAssembly.Build(phaseOptions, refuseUnknownProc: false, info, diagnostics, parts));
        }).ToList();
    }

    /// <summary>The names the trace marks as phases, in order of first appearance.</summary>
    public IReadOnlyList<string> Names => _phases.Names;

    public void OnPageInterval(in PageInterval interval)
    {
    }

    public void OnPageInstall(int proc, long startNs, long latencyNs)
    {
        foreach (var book in BooksOpenAt(startNs))
        {
            book.OnPageInstall(proc, latencyNs);
        }
    }

    public void OnLruDwell(int proc, long startNs, long dwellNs)
    {
        foreach (var book in BooksOpenAt(startNs))
        {
            book.OnLruDwell(proc, dwellNs);
        }
    }

    public void OnReclaim(int proc, long startNs, long durationNs)
    {
        foreach (var book in BooksOpenAt(startNs))
        {
            book.OnReclaim(proc, durationNs);
        }
    }

    public void OnReinstallAfterReclaim(int proc, long reclaimedNs, long gapNs)
    {
        foreach (var book in BooksOpenAt(reclaimedNs + gapNs))
        {
            book.OnReinstallAfterReclaim(proc, gapNs);
        }
    }

    public void OnPageCounts(int proc, long timestampNs, int active, int lru, int allActive, int allLru, bool sampled)
    {
        foreach (var book in BooksOpenAt(timestampNs))
        {
            book.OnPageCounts(proc, timestampNs, active, lru, allActive, allLru, sampled);
        }
    }

    public void OnLockHold(in MmapLockHold hold)
    {
        foreach (var book in BooksOpenAt(hold.StartNs))
        {
            book.OnLockHold(hold);
        }
    }

    public void OnLockWait(in MmapLockWait wait)
    {
        foreach (var book in BooksOpenAt(wait.StartNs))
        {
            book.OnLockWait(wait);
        }
    }

    public void OnLockHoldBlocked(in MmapLockHold hold, long waitsBlocked, long blockedNs)
    {
        foreach (var book in BooksOpenAt(hold.StartNs))
        {
            book.OnLockHoldBlocked(hold, waitsBlocked, blockedNs);
        }
    }

    public void OnTransaction(TransactionRecord transaction)
    {
    }

    public void OnTransactionCounted(in CountedTransaction transaction)
    {
        foreach (var book in BooksOpenAt(transaction.SentNs))
        {
            book.OnTransaction(transaction);
        }
    }

    public void OnRoundTrip(long requestSentNs, long roundTripNs)
    {
        foreach (var book in BooksOpenAt(requestSentNs))
        {
            book.OnRoundTrip(roundTripNs);
        }
    }

    private OpenBooks BooksOpenAt(long timestamp) => new(_books, _membership.MaskAt(timestamp));

    private void Close(string name, AnalysisSnapshot at, long timestamp)
    {
        if (_bits.TryGetValue(name, out var bit))
        {
            _books[bit].Close(at, timestamp);
            _membership.Close(bit, timestamp);
        }
        else if (_pastLimitOpenedAt.Remove(name, out var openedAt))
        {
            _eventsNotBrokenDown += at.Events - openedAt;
        }
    }

    private int? BitOf(string name)
    {
        if (_bits.TryGetValue(name, out var bit))
        {
            return bit;
        }

        // Reporting one phase (--phase NAME) keeps the books of that one only.
        if (_books.Count >= MaxPhases || (options.Phase is { } only && only != name))
        {
            return null;
        }

        _bits[name] = _books.Count;
        _books.Add(new PhaseBook(name));
        return _books.Count - 1;
    }

    /// <summary>The books of the phases whose bits are set in a membership mask, without allocating (records arrive per event).</summary>
    private struct OpenBooks(List<PhaseBook> books, uint mask)
    {
        private uint _rest = mask;

        public PhaseBook Current { get; private set; } = null!;

        public readonly OpenBooks GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest == 0)
            {
                return false;
            }

            Current = books[BitOperations.TrailingZeroCount(_rest)];
            _rest &= _rest - 1;
            return true;
        }
    }
}
