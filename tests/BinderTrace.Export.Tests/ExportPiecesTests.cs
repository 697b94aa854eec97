using BinderTrace.Export;
using BinderTrace.Export.Parquet;

namespace BinderTrace.Tests;

/// <summary>The small pieces of the export driver: Hive folder names, option spellings and atomic files.</summary>
public sealed class ExportPiecesTests
{
    [Theory]
    [InlineData("6.12.107+deb13-amd64", "6.12.107+deb13-amd64")]   // letters, digits, '.', '-', '+' stay
    [InlineData("/traces/a b=c.txt", "%2Ftraces%2Fa%20b%3Dc.txt")] // '/', ' ', '=' become %XX of their byte
    [InlineData("é", "%C3%A9")]                                     // UTF-8 bytes, upper-case hex
    [InlineData("..", "%2E%2E")]                                    // would not be a folder of its own
    [InlineData("", "__HIVE_DEFAULT_PARTITION__")]                  // Hive's name for an empty value
    public void Hive_partition_values_are_escaped_to_one_folder_level(string value, string folder) =>
        Assert.Equal("source=" + folder, HivePartition.Folder("source", value));

    [Fact]
    public void Table_names_combine_and_default_to_all()
    {
        Assert.Equal(ExportTables.Events | ExportTables.LockHolds, ExportSelection.ParseTables(["events, mmap_lock_holds"]));
        Assert.Equal(ExportTables.Events | ExportTables.Summary, ExportSelection.ParseTables(["events", "SUMMARY"]));
        Assert.Equal(ExportTables.All, ExportSelection.ParseTables([]));
        var error = Assert.Throws<ArgumentException>(() => ExportSelection.ParseTables(["evnets"]));
        Assert.Contains("unknown table 'evnets'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_keys_keep_their_order_and_refuse_repeats()
    {
        Assert.Equal([PartitionKey.Source, PartitionKey.Kernel], ExportSelection.ParsePartitionKeys(["source,kernel"]));
        Assert.Throws<ArgumentException>(() => ExportSelection.ParsePartitionKeys(["kernel,kernel"]));
        Assert.Throws<ArgumentException>(() => ExportSelection.ParsePartitionKeys(["cpu"]));
        Assert.Equal(ParquetCompression.Brotli, ExportSelection.ParseCompression("brotli"));
        Assert.Equal(ParquetCompression.Zstd, ExportSelection.ParseCompression("zstd"));
        Assert.Throws<ArgumentException>(() => ExportSelection.ParseCompression("lz4"));
    }

    [Fact]
    public void Cells_marked_present_a_chunk_at_a_time_leave_no_gap_in_a_required_column()
    {
        // A sparse column gets its rows of a chunk as ascending offsets, marked in one step: the rows between them are
        // nulls, which a required column cannot hold (rows 4 and 6 without row 5), and rows cannot go back.
        var required = new FixedWidthColumnBuffer<int>(new ParquetColumn("n", ColumnType.Int32, Optional: false));
        required.AppendAt(0, [0, 1, 2, 3]).Fill(7);
        Assert.Equal(4, required.RowCount);
        var gap = Assert.Throws<InvalidOperationException>(() => { required.AppendAt(4, [0, 2]); });
        Assert.Contains("required", gap.Message, StringComparison.Ordinal);

        var optional = new FixedWidthColumnBuffer<int>(new ParquetColumn("n", ColumnType.Int32, Optional: true));
        optional.AppendAt(4, [0, 2]).Fill(7);
        Assert.Equal(7, optional.RowCount);
        var back = Assert.Throws<InvalidOperationException>(() => { optional.AppendAt(0, [5]); });
        Assert.Contains("row 5 appended after row 6", back.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Atomic_file_is_invisible_until_committed_and_replaces_an_older_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sub/t.parquet");
        using (var first = AtomicFile.Create(path))
        {
            first.Stream.Write("old"u8);
            first.Commit();
        }

        using (var second = AtomicFile.Create(path))
        {
            second.Stream.Write("new"u8);
            Assert.Equal("old", File.ReadAllText(path));               // still the old, complete file
            Assert.True(File.Exists(second.TemporaryPath));
            second.Commit();
        }

        Assert.Equal("new", File.ReadAllText(path));
        using (var abandoned = AtomicFile.Create(path))
        {
            abandoned.Stream.Write("partial"u8);
        }

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.File("sub")));    // no temporary file left behind
    }
}
