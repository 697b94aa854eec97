using BinderTrace.Export;

namespace BinderTrace.Tests;

/// <summary>Issue 12 item 4: an export killed mid-way leaves temporary files that the next export into the folder removes.</summary>
public sealed class AbandonedTemporaryFileTests
{
    [Fact]
    public void Temporary_files_of_a_dead_writer_are_removed_and_those_of_a_live_one_and_other_files_kept()
    {
        using var dir = new TempDirectory();
        // 99999999 is above Linux's largest pid_max (2^22), so no process has it: the writer is gone.
        var abandoned = dir.File($".events.parquet.99999999.{Guid.NewGuid():N}.tmp");
        var nested = Path.Combine(dir.Path, "events", "kernel=6.12");
        Directory.CreateDirectory(nested);
        var abandonedNested = Path.Combine(nested, $".part-00000.parquet.99999999.{Guid.NewGuid():N}.tmp");
        var live = dir.File($".summary.parquet.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var users = dir.File(".notes.tmp");
        foreach (var path in new[] { abandoned, abandonedNested, live, users })
        {
            File.WriteAllText(path, "x");
        }

        var removed = AtomicFile.RemoveAbandoned(dir.Path);

        Assert.Equal(2, removed);
        Assert.False(File.Exists(abandoned));
        Assert.False(File.Exists(abandonedNested));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(users));
    }

    [Fact]
    public void A_temporary_file_names_its_writer_so_a_later_export_can_tell_it_abandoned()
    {
        using var dir = new TempDirectory();
        using var file = AtomicFile.Create(dir.File("t.parquet"));

        Assert.Contains($".t.parquet.{Environment.ProcessId}.", Path.GetFileName(file.TemporaryPath), StringComparison.Ordinal);
        Assert.Equal(0, AtomicFile.RemoveAbandoned(dir.Path));
    }
}
