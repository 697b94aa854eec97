using System.CommandLine;
using System.Runtime.CompilerServices;
using BinderTrace.Cli.Commands;

namespace BinderTrace.Tests;

/// <summary>
/// Golden tables for fixtures/analysis/range-write-install-free-reclaim.txt (see its README), every number
/// computed by hand from the fixture's timestamps (sec.usec → ns).
/// </summary>
public sealed class PagesAndLocksGoldenTests
{
    private static readonly string Fixture = RepositoryPaths.Fixture("analysis", "range-write-install-free-reclaim.txt");

    /// <summary>
    /// Page 0: installed at 5.081205, on the LRU from 5.083790 to the end → active 2,585,000 ns, LRU time not closed (0).
    /// Page 1: installed at 5.081300, LRU at 5.083753, reclaimed at unmap_kernel_end 5.672581 → active 2,453,000 ns,
    /// LRU 588,828,000 ns, final state free.
    /// </summary>
    [Fact]
    public void Pages_csv_matches_the_hand_computed_page_lives()
    {
        var result = Run("pages", Fixture, "--csv");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            proc,page,final_state,installs,lru_adds,lru_removes,reclaims,reinstalls_after_reclaim,active_ns,lru_ns
            230,0,lru,1,1,0,0,0,2585000,0
            230,1,free,1,1,0,1,0,2453000,588828000

            """,
            result.Output.ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// Task 234's write hold 5.080898..5.081327 (429,000 ns) encloses both install windows: binder's.
    /// Task 229's read hold 5.672173..5.672523 (350,000 ns) encloses unmap_user: binder's (the shrinker).
    /// Rows come out in close order.
    /// </summary>
    [Fact]
    public void Locks_csv_matches_the_hand_computed_holds()
    {
        var result = Run("locks", Fixture, "--csv");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            pid,comm,mm,mode,binder,start_ns,end_ns,duration_ns
            234,binder_wl,00000000afee53a6,write,true,5080898000,5081327000,429000
            229,binder_wl,00000000afee53a6,read,true,5672173000,5672523000,350000

            """,
            result.Output.ReplaceLineEndings("\n"));
    }

    /// <summary>Waits: 5.080882→5.080898 (16,000 ns, write) and 5.672148→5.672173 (25,000 ns, read), both binder's.</summary>
    [Fact]
    public void Locks_waits_csv_matches_the_hand_computed_waits()
    {
        var result = Run("locks", Fixture, "--waits", "--csv");

        Assert.Equal(
            """
            pid,comm,mm,mode,binder,success,start_ns,end_ns,duration_ns
            234,binder_wl,00000000afee53a6,write,true,true,5080882000,5080898000,16000
            229,binder_wl,00000000afee53a6,read,true,true,5672148000,5672173000,25000

            """,
            result.Output.ReplaceLineEndings("\n"));
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var root = new RootCommand { ReportCommand.Create(), PagesCommand.Create(), LocksCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
