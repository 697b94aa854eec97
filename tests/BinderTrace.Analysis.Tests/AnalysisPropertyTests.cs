using BinderTrace.Analysis.Records;
using BinderTrace.Events;
using FsCheck;
using FsCheck.Fluent;

namespace BinderTrace.Tests;

/// <summary>
/// FsCheck properties over random but valid event streams. FsCheck draws (and shrinks) an array of choices; a small
/// model of the kernel's rules turns them into a stream, so every generated trace is one a kernel could print:
/// pages move FREE → ACTIVE → LRU → ACTIVE/FREE, and mmap_lock holders respect reader/writer exclusion.
/// </summary>
public sealed class AnalysisPropertyTests
{
    private const int Proc = 100;
    private const int Pages = 5;
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(200);

    [Fact]
    public void A_pages_intervals_never_overlap_chain_end_to_start_and_its_install_precedes_its_unmap()
    {
        Check.One(Runs, Prop.ForAll(Choices(), choices =>
        {
            var (trace, finalStates) = PageTrace(choices);
            var sink = trace.AnalyzeRows();
            for (var page = 0; page < Pages; page++)
            {
                var intervals = sink.Intervals.Where(i => i.PageIndex == page).ToList();
                if (intervals.Count == 0)
                {
                    continue;
                }

                for (var i = 1; i < intervals.Count; i++)
                {
                    if (intervals[i - 1].EndNs != intervals[i].StartNs || intervals[i].StartNs < intervals[i - 1].StartNs)
                    {
                        return false;
                    }
                }

                var firstInstalled = intervals.FindIndex(i => i.State != PageState.Free);
                if (firstInstalled >= 0 && intervals[firstInstalled].State != PageState.Active)
                {
                    return false;
                }

                if (intervals[^1].State != finalStates[page] || intervals[^1].EndNs != -1)
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void At_most_one_writer_holds_an_mm_and_per_mm_hold_totals_equal_the_sum_of_the_holds()
    {
        Check.One(Runs, Prop.ForAll(Choices(), choices =>
        {
            var trace = LockTrace(choices);
            var sink = trace.AnalyzeRows();
            var report = trace.Analyze();
            foreach (var mm in sink.Holds.Select(h => h.Mm).Distinct())
            {
                var holds = sink.Holds.Where(h => h.Mm == mm).ToList();
                foreach (var writer in holds.Where(h => h.Mode == LockMode.Write))
                {
                    if (holds.Any(other => other != writer && other.StartNs < writer.EndNs && writer.StartNs < other.EndNs))
                    {
                        return false;
                    }
                }

                var stats = report.LocksByMm.Single(m => m.Mm == mm);
                foreach (var mode in new[] { LockMode.Read, LockMode.Write })
                {
                    if (stats.HoldNs(mode).Total != holds.Where(h => h.Mode == mode).Sum(h => h.DurationNs))
                    {
                        return false;
                    }
                }
            }

            return report.Counters.All.Count == 0;
        }));
    }

    private static Arbitrary<int[]> Choices() => Gen.ArrayOf(Gen.Choose(0, 1_000_000)).ToArbitrary();

    /// <summary>One page operation per choice, sequential in time; returns the trace and each page's final state.</summary>
    private static (TestTrace Trace, PageState[] Final) PageTrace(int[] choices)
    {
        var trace = new TestTrace();
        var states = new PageState[Pages];
        long t = 0;
        foreach (var c in choices)
        {
            var page = c % Pages;
            var pid = 1 + (c / 5 % 3);
            var length = 1 + (c / 15 % 7);
            t += c / 105 % 3;
            switch (states[page])
            {
                case PageState.Free:
                    trace.PageOp(t, t + length, pid, EventKind.BinderAllocPageStart, Proc, page);
                    states[page] = PageState.Active;
                    break;
                case PageState.Active:
                    trace.PageOp(t, t + length, pid, EventKind.BinderFreeLruStart, Proc, page);
                    states[page] = PageState.Lru;
                    break;
                case PageState.Lru when c / 315 % 2 == 0:
                    trace.PageOp(t, t + length, pid, EventKind.BinderAllocLruStart, Proc, page);
                    states[page] = PageState.Active;
                    break;
                default:
                    var userFirst = c / 630 % 2 == 0;
                    var first = userFirst ? EventKind.BinderUnmapUserStart : EventKind.BinderUnmapKernelStart;
                    var second = userFirst ? EventKind.BinderUnmapKernelStart : EventKind.BinderUnmapUserStart;
                    trace.PageOp(t, t + length, 9, first, Proc, page);
                    t += length;
                    trace.PageOp(t, t + length, 9, second, Proc, page);
                    states[page] = PageState.Free;
                    break;
            }

            t += length + 1;
        }

        return (trace, states);
    }

    /// <summary>
    /// Three tasks, two mms. Each choice makes one task act on one mm: release (or downgrade) what it holds, else
    /// take the lock in a mode the current holders allow (with a wait, or as a trylock), else fail a trylock.
    /// Everything is released at the end, so every hold closes.
    /// </summary>
    private static TestTrace LockTrace(int[] choices)
    {
        var trace = new TestTrace();
        var held = new Dictionary<(int Pid, ulong Mm), bool>();
        long t = 1;
        foreach (var c in choices)
        {
            var pid = 1 + (c % 3);
            var mm = 0xA + (ulong)(c / 3 % 2);
            var write = c / 6 % 2 == 0;
            t += 1 + (c / 12 % 4);
            if (held.TryGetValue((pid, mm), out var holdsWrite))
            {
                if (holdsWrite && c / 48 % 3 == 0)
                {
                    trace.Acquired(t, pid, mm, write: false);
                    held[(pid, mm)] = false;
                }
                else
                {
                    trace.Released(t, pid, mm, holdsWrite);
                    held.Remove((pid, mm));
                }

                continue;
            }

            var others = held.Where(h => h.Key.Mm == mm).ToList();
            var allowed = write ? others.Count == 0 : others.All(h => !h.Value);
            if (!allowed)
            {
                trace.Acquired(t, pid, mm, write, success: false);
                continue;
            }

            if (c / 48 % 2 == 0)
            {
                trace.StartLocking(t, pid, mm, write);
                t++;
            }

            trace.Acquired(t, pid, mm, write);
            held[(pid, mm)] = write;
        }

        foreach (var ((pid, mm), write) in held)
        {
            trace.Released(++t, pid, mm, write);
        }

        return trace;
    }
}
