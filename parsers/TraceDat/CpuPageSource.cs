using System.Buffers.Binary;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>Reports damaged or missing bytes of the ring-buffer data; throws in strict mode.</summary>
/// <param name="truncated">True when the bytes are missing because the file ends early.</param>
internal delegate void DamageReport(long fileOffset, long bytesLost, string problem, bool truncated);

/// <summary>
/// One CPU's ring-buffer pages, a block of whole pages at a time: raw pages read straight from the file, or
/// (compressed v7 files) one chunk decompressed at a time (FORMATS.md §2.3: <c>u32 count; count × {u32
/// compressed size; u32 size; data}</c>). Memory is one block, whatever the file's size.
/// </summary>
internal sealed class CpuPageSource
{
    private const int RawBlockPages = 16;
    private const int MaxChunkBytes = 1 << 28;

    private readonly ReadAt _read;
    private readonly long _fileLength;
    private readonly int _pageSize;
    private readonly bool _bigEndian;
    private readonly BlockDecompressor? _codec;
    private readonly DamageReport _damage;
    private readonly string _what;
    private readonly long _end;
    private byte[] _compressed = [];
    private long _next;
    private long _chunksLeft = -1;

    /// <param name="codec">Null for raw pages.</param>
    public CpuPageSource(ReadAt read, long fileLength, CpuRegion region, int pageSize, bool bigEndian, BlockDecompressor? codec, DamageReport damage)
    {
        _read = read;
        _fileLength = fileLength;
        _pageSize = pageSize;
        _bigEndian = bigEndian;
        _codec = codec;
        _damage = damage;
        _what = $"section BUFFER (flyrecord) cpu {region.Cpu}";
        _next = region.Offset;
        _end = region.Offset + region.Size;
        Block = new byte[pageSize * RawBlockPages];
    }

    public byte[] Block { get; private set; }

    /// <summary>Whole pages in <see cref="Block"/>.</summary>
    public int BlockLength { get; private set; }

    /// <summary>File offset of the block (raw pages) or of its chunk (compressed), for messages.</summary>
    public long BlockFileOffset { get; private set; }

    /// <summary>True when the block's bytes are the file's own (offsets within it are file offsets).</summary>
    public bool BlockIsRaw => _codec is null;

    public bool NextBlock() => _codec is null ? NextRawBlock() : NextChunk();

    private bool NextRawBlock()
    {
        while (_next < _end)
        {
            var start = _next;
            var want = (int)Math.Min(_end - _next, (long)_pageSize * RawBlockPages);
            var available = (int)Math.Max(0, Math.Min(want, _fileLength - _next));
            var got = ReadFully(_next, Block.AsSpan(0, available));
            if (got < want)
            {
                _damage(_next + got, _end - _next - got, $"{_what}: the file ends {_end - _next - got} bytes before this CPU's data does", truncated: true);
                _next = _end;
            }
            else
            {
                _next += want;
            }

            BlockFileOffset = start;
            BlockLength = got / _pageSize * _pageSize;
            if (got % _pageSize != 0 && got == want)
            {
                _damage(BlockFileOffset + BlockLength, got - BlockLength, $"{_what}: the data ends inside a page", truncated: false);
            }

            if (BlockLength > 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool NextChunk()
    {
        if (_chunksLeft < 0)
        {
            Span<byte> count = stackalloc byte[4];
            if (ReadFully(_next, count) < 4)
            {
                _damage(_next, Math.Max(0, _fileLength - _next), $"{_what}: the chunk count lies past the end of the file", truncated: true);
                _chunksLeft = 0;
                return false;
            }

            _chunksLeft = U32(count);
            _next += 4;
        }

        while (_chunksLeft > 0)
        {
            _chunksLeft--;
            var chunkOffset = _next;
            Span<byte> header = stackalloc byte[8];
            if (ReadFully(chunkOffset, header) < 8)
            {
                _damage(chunkOffset, Math.Max(0, _fileLength - chunkOffset), $"{_what}: a chunk header lies past the end of the file", truncated: true);
                _chunksLeft = 0;
                return false;
            }

            long compressedSize = U32(header);
            long size = U32(header[4..]);
            _next = chunkOffset + 8 + compressedSize;
            if (_next > _fileLength)
            {
                _damage(chunkOffset, _fileLength - chunkOffset, $"{_what}: a chunk of {compressedSize} bytes at byte {chunkOffset} runs past the end of the file ({_fileLength} bytes)", truncated: true);
                _chunksLeft = 0;
                return false;
            }

            if (size > MaxChunkBytes || size < _pageSize)
            {
                _damage(chunkOffset, 8 + compressedSize, $"{_what}: a chunk claims {size} bytes of pages", truncated: false);
                continue;
            }

            if (_compressed.Length < compressedSize)
            {
                _compressed = new byte[compressedSize];
            }

            if (Block.Length < size)
            {
                Block = new byte[size];
            }

            ReadFully(chunkOffset + 8, _compressed.AsSpan(0, (int)compressedSize));
            if (!_codec!.TryDecompress(_compressed.AsSpan(0, (int)compressedSize), Block.AsSpan(0, (int)size), out var problem))
            {
                _damage(chunkOffset, 8 + compressedSize, $"{_what}: chunk at byte {chunkOffset}: {problem}", truncated: false);
                continue;
            }

            BlockFileOffset = chunkOffset;
            BlockLength = (int)(size / _pageSize * _pageSize);
            if (BlockLength != size)
            {
                _damage(chunkOffset, size - BlockLength, $"{_what}: chunk at byte {chunkOffset} holds {size} bytes, not whole pages", truncated: false);
            }

            return true;
        }

        return false;
    }

    private int ReadFully(long position, Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = _read(position + total, destination[total..]);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private uint U32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
