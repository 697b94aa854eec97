using BinderTrace.Export.Parquet;

namespace BinderTrace.Tests;

/// <summary>
/// The segmented store of a column chunk's pages: the bytes come out exactly as written whatever the segment
/// boundaries, and a row group's segments are reused by the next one instead of new memory being taken.
/// </summary>
public sealed class PageStoreTests
{
    [Fact]
    public void Bytes_written_across_segment_boundaries_come_out_in_order()
    {
        var pool = new SegmentPool();
        var store = new PageStore(pool);
        var random = new Random(13);
        var written = new List<byte>();
        // Pieces of 1 byte up to two segments, ending off a boundary: 2.6 segments' worth in all.
        foreach (var size in new[] { 1, SegmentPool.SegmentBytes - 1, 2 * SegmentPool.SegmentBytes, 7, 0, 40_000 })
        {
            var piece = new byte[size];
            random.NextBytes(piece);
            store.Write(piece);
            written.AddRange(piece);
        }

        using var file = new MemoryStream();
        var output = new ParquetOutput(file);
        store.CopyTo(output);

        Assert.Equal(written.Count, store.Length);
        Assert.Equal(written.Count, output.Position);
        Assert.Equal(written.ToArray(), file.ToArray());
        // 1 + 65,535 + 131,072 + 7 + 40,000 = 236,615 bytes = 3 full segments (196,608) and 40,007 bytes of a fourth.
        Assert.Equal(4, pool.Allocated);
    }

    [Fact]
    public void A_cleared_store_gives_its_segments_back_for_the_next_row_group()
    {
        var pool = new SegmentPool();
        var first = new PageStore(pool);
        var second = new PageStore(pool);
        var page = new byte[3 * SegmentPool.SegmentBytes / 2];
        page.AsSpan().Fill(0xAB);

        first.Write(page);
        second.Write(page);
        Assert.Equal(4, pool.Allocated); // 1.5 segments each, rounded up

        for (var rowGroup = 0; rowGroup < 10; rowGroup++)
        {
            first.Clear();
            second.Clear();
            first.Write(page);
            second.Write(page);
        }

        Assert.Equal(4, pool.Allocated);
        Assert.Equal(page.Length, second.Length);
        using var file = new MemoryStream();
        second.CopyTo(new ParquetOutput(file));
        Assert.Equal(page, file.ToArray());
    }
}
