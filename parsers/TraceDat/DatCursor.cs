using System.Buffers.Binary;
using System.Text;
using BinderTrace.Events;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>Reads bytes at an absolute position of a file or of an in-memory section body.</summary>
internal delegate int ReadAt(long position, Span<byte> destination);

/// <summary>
/// A forward reader of trace.dat metadata (headers, options, section bodies) in the file's byte order. Every
/// declared size is checked against the end of the data before anything is allocated, and every failure is a
/// <see cref="TraceFormatException"/> naming the file, the section and the byte offset in the file.
/// </summary>
internal sealed class DatCursor
{
    private readonly ReadAt _read;
    private readonly string _sourceName;
    private readonly long _fileOffsetOfStart;
    private readonly bool _inMemory;
    private byte[] _buffer = new byte[1 << 16];
    private long _bufferStart;
    private int _bufferCount;

    /// <param name="fileOffsetOfStart">For an in-memory (decompressed) body: where its section starts in the file, for messages.</param>
    public DatCursor(ReadAt read, long length, string sourceName, string section, bool bigEndian, long fileOffsetOfStart = -1)
    {
        _read = read;
        Length = length;
        _sourceName = sourceName;
        Section = section;
        BigEndian = bigEndian;
        _fileOffsetOfStart = fileOffsetOfStart;
        _inMemory = fileOffsetOfStart >= 0;
    }

    public static DatCursor OverMemory(byte[] body, string sourceName, string section, bool bigEndian, long sectionFileOffset) =>
        new((position, destination) =>
        {
            var available = (int)Math.Max(0, Math.Min(destination.Length, body.Length - position));
            body.AsSpan((int)position, available).CopyTo(destination);
            return available;
        }, body.Length, sourceName, section, bigEndian, sectionFileOffset);

    public long Length { get; }

    public long Position { get; set; }

    public bool BigEndian { get; set; }

    /// <summary>What is being read, for messages ("header", "options", "section HEADER_INFO"…).</summary>
    public string Section { get; set; }

    public long Remaining => Length - Position;

    public ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Fail($"needs {count} bytes but only {Math.Max(0, Remaining)} remain (size past the end of the file)");
        }

        var n = (int)count;
        if (Position < _bufferStart || Position + n > _bufferStart + _bufferCount)
        {
            Fill(n);
        }

        var span = _buffer.AsSpan((int)(Position - _bufferStart), n);
        Position += n;
        return span;
    }

    public void Skip(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw Fail($"a block of {count} bytes runs past the end of the file ({Math.Max(0, Remaining)} bytes remain)");
        }

        Position += count;
    }

    public byte ReadU8() => Take(1)[0];

    public ushort ReadU16()
    {
        var s = Take(2);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public uint ReadU32()
    {
        var s = Take(4);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    public ulong ReadU64()
    {
        var s = Take(8);
        return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
    }

    /// <summary>A size or offset that must fit a <see cref="long"/> (and so a file).</summary>
    public long ReadSize64()
    {
        var value = ReadU64();
        return value > long.MaxValue ? throw Fail($"size or offset {value} is impossible") : (long)value;
    }

    /// <summary>A NUL-terminated string (at most 4096 bytes: names, versions, clocks).</summary>
    public string ReadCString()
    {
        var start = Position;
        var window = Take(Math.Min(4096, Remaining));
        var nul = window.IndexOf((byte)0);
        if (nul < 0)
        {
            Position = start;
            throw Fail("a string has no terminating NUL");
        }

        Position = start + nul + 1;
        return Encoding.UTF8.GetString(window[..nul]);
    }

    public string ReadText(long size) => Encoding.UTF8.GetString(Take(size));

    /// <summary>The file offset of the cursor (for a decompressed body: the offset of its section).</summary>
    public long FileOffset => _inMemory ? _fileOffsetOfStart : Position;

    public TraceFormatException Fail(string problem) =>
        new(_sourceName, 0, FileOffset, _inMemory ? $"{Section} (byte {Position} of the decompressed section): {problem}" : $"{Section}: {problem}");

    private void Fill(int count)
    {
        if (_buffer.Length < count)
        {
            _buffer = new byte[Math.Max(count, _buffer.Length * 2)];
        }

        var want = (int)Math.Min(_buffer.Length, Length - Position);
        var total = 0;
        while (total < want)
        {
            var read = _read(Position + total, _buffer.AsSpan(total, want - total));
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        _bufferStart = Position;
        _bufferCount = total;
        if (total < count)
        {
            throw Fail($"the file ends {count - total} bytes early");
        }
    }
}
