using System.Buffers;
using System.IO.Compression;
using ZstdSharp;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// Compresses page bodies in Parquet's framing (FORMATS.md §4.6): GZIP is an RFC 1952 single-member stream,
/// BROTLI a raw RFC 7932 stream (both from the .NET BCL), ZSTD one RFC 8878 frame (the machine's libzstd where it has
/// one, <see cref="NativeZstdCompressor"/>, else ZstdSharp, a managed port).
/// </summary>
internal sealed class PageCompressor : IDisposable
{
    // Fastest keeps export within a small multiple of parsing; gzip's higher levels gain little on trace columns.
    private const CompressionLevel GzipLevel = CompressionLevel.Fastest;
    private const int BrotliQuality = 4;
    private const int BrotliWindow = 22;

    // A fast (negative) level: on the events pages of the 1.1 GB bench trace, level -1 took 0.86x the time of gzip's
    // fastest for 0.64x its size; level 1 was 0.56x the size but no faster than gzip. Any zstd decoder reads both.
    private const int ZstdLevel = -1;

    private readonly ArrayBufferWriter<byte> _output = new(1 << 16);
    private readonly Compressor? _zstd;
    private readonly NativeZstdCompressor? _nativeZstd;

    /// <param name="managedZstd">ZstdSharp even where libzstd is installed (<see cref="ParquetWriterOptions.ManagedZstd"/>).</param>
    public PageCompressor(ParquetCompression codec, bool managedZstd = false)
    {
        Codec = codec;
        if (codec == ParquetCompression.Zstd)
        {
            _nativeZstd = managedZstd ? null : NativeZstdCompressor.TryCreate(ZstdLevel);
            _zstd = _nativeZstd is null ? new Compressor(ZstdLevel) : null;
        }
    }

    /// <summary>Whether ZSTD pages come from the machine's libzstd.</summary>
    public bool NativeZstd => _nativeZstd is not null;

    public ParquetCompression Codec { get; }

    /// <summary>The compressed body; valid until the next call. Returns <paramref name="body"/> itself when uncompressed.</summary>
    public ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> body)
    {
        var codec = Codec;
        switch (codec)
        {
            case ParquetCompression.None:
                return body;
            case ParquetCompression.Gzip:
                _output.ResetWrittenCount();
                using (var gzip = new GZipStream(new BufferWriterStream(_output), GzipLevel))
                {
                    gzip.Write(body);
                }

                return _output.WrittenSpan;
            case ParquetCompression.Brotli:
                _output.ResetWrittenCount();
                var span = _output.GetSpan(BrotliEncoder.GetMaxCompressedLength(body.Length));
                if (!BrotliEncoder.TryCompress(body, span, out var written, BrotliQuality, BrotliWindow))
                {
                    throw new InvalidOperationException("Brotli compression did not fit its own worst-case bound.");
                }

                _output.Advance(written);
                return _output.WrittenSpan;
            case ParquetCompression.Zstd when _nativeZstd is not null:
                _output.ResetWrittenCount();
                var nativeFrame = _output.GetSpan(NativeZstdCompressor.CompressBound(body.Length));
                _output.Advance(_nativeZstd.Compress(body, nativeFrame));
                return _output.WrittenSpan;
            case ParquetCompression.Zstd:
                _output.ResetWrittenCount();
                var frame = _output.GetSpan(Compressor.GetCompressBound(body.Length));
                _output.Advance(_zstd!.Wrap(body, frame));
                return _output.WrittenSpan;
            default:
                throw new InvalidOperationException($"Unsupported codec {codec}.");
        }
    }

    public void Dispose()
    {
        _zstd?.Dispose();
        _nativeZstd?.Dispose();
    }

    /// <summary>A write-only stream over a buffer writer, so GZipStream output lands in reusable memory.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> target) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer) => target.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => target.Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
