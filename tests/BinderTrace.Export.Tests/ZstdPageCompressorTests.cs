using BinderTrace.Export.Parquet;
using FsCheck;
using FsCheck.Fluent;
using ZstdSharp;

namespace BinderTrace.Tests;

/// <summary>
/// ZSTD pages come from the machine's libzstd where it loads and from ZstdSharp otherwise: both must be standard frames
/// of the page. Each frame is decoded here by ZstdSharp's decompressor, a decoder apart from libzstd's encoder.
/// </summary>
public sealed class ZstdPageCompressorTests
{
    [Fact]
    public void Libzstd_compresses_where_it_is_installed_and_ZstdSharp_when_asked()
    {
        // Debian installs libzstd1 with apt itself (dpkg -l libzstd1), so every machine this project runs on has it.
        using var native = new PageCompressor(ParquetCompression.Zstd);
        using var managed = new PageCompressor(ParquetCompression.Zstd, managedZstd: true);
        Assert.True(native.NativeZstd, "libzstd.so.1 did not load: apt-get install libzstd1");
        Assert.False(managed.NativeZstd);
    }

    [Fact]
    public void Frames_of_both_compressors_decode_to_the_page()
    {
        // Pages like the writer's: runs and repeats (levels, dictionary indices) mixed with noise, empty to 300 KB.
        var pages = Gen.Choose(0, 300_000).SelectMany(length => Gen.Choose(0, int.MaxValue).Select(seed => Page(length, seed)));
        using var native = new PageCompressor(ParquetCompression.Zstd);
        using var managed = new PageCompressor(ParquetCompression.Zstd, managedZstd: true);
        using var decompressor = new Decompressor();
        Prop.ForAll(
            pages.ToArbitrary(),
            page => decompressor.Unwrap(native.Compress(page)).ToArray().AsSpan().SequenceEqual(page)
                && decompressor.Unwrap(managed.Compress(page)).ToArray().AsSpan().SequenceEqual(page))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Disposing_twice_frees_the_context_once(bool managedZstd)
    {
        // ParquetFileWriter.Finish disposes its compressor and a using block disposes the writer again: a second
        // ZSTD_freeCCtx of the same context would be a double free (glibc aborts the process on it).
        var compressor = new PageCompressor(ParquetCompression.Zstd, managedZstd);
        var page = Page(100_000, seed: 7);
        using var decompressor = new Decompressor();
        Assert.True(decompressor.Unwrap(compressor.Compress(page)).ToArray().AsSpan().SequenceEqual(page));
        compressor.Dispose();
        compressor.Dispose();
        if (managedZstd)
        {
            Assert.Throws<ObjectDisposedException>(() => compressor.Compress(page).Length);
        }
    }

    private static byte[] Page(int length, int seed)
    {
        var random = new Random(seed);
        var page = new byte[length];
        for (var i = 0; i < length;)
        {
            var run = Math.Min(length - i, random.Next(1, 200));
            if (random.Next(3) == 0)
            {
                random.NextBytes(page.AsSpan(i, run));
            }
            else
            {
                page.AsSpan(i, run).Fill((byte)random.Next(4));
            }

            i += run;
        }

        return page;
    }
}
