using System.Buffers.Binary;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>
/// Decodes one CPU's ring-buffer pages into its records, in the CPU's time order (FORMATS.md §2.6–2.7; the
/// kernel's ring_buffer.c and libtraceevent's kbuffer): the page header (timestamp, commit word with the
/// missed-events flags), then event headers of type_len 1–28 (short data), 0 (long data), 29 (padding or a
/// discarded event), 30 (time extend) and 31 (absolute timestamp). A page whose missed-events flag is set
/// yields a lost-events record before its first event.
/// </summary>
internal sealed class CpuRecordStream
{
    private const int TypePadding = 29;
    private const int TypeTimeExtend = 30;
    private const int TypeTimeStamp = 31;
    private const long MissedEvents = 1L << 31;
    private const long MissedStored = 1L << 30;
    private const long CommitMask = (1L << 27) - 1;

    private readonly CpuPageSource _pages;
    private readonly PageLayout _layout;
    private readonly int _pageSize;
    private readonly bool _bigEndian;
    private readonly DamageReport _damage;
    private byte[] _block = [];
    private int _blockLength;
    private int _pageStart;
    private int _pos;
    private int _end;
    private ulong _time;

    public CpuRecordStream(int cpu, CpuPageSource pages, PageLayout layout, int pageSize, bool bigEndian, DamageReport damage)
    {
        Cpu = cpu;
        _pages = pages;
        _layout = layout;
        _pageSize = pageSize;
        _bigEndian = bigEndian;
        _damage = damage;
        _pageStart = -pageSize;
    }

    public int Cpu { get; }

    /// <summary>The current record is a lost-events mark (the page's missed-events flag), not an event.</summary>
    public bool IsLostEvents { get; private set; }

    /// <summary>For a lost-events mark: how many, or -1 when the page does not store the count.</summary>
    public long LostCount { get; private set; }

    /// <summary>Raw clock value of the current record.</summary>
    public ulong Time { get; private set; }

    /// <summary>The buffer holding the current record's data (valid until the next <see cref="MoveNext"/>).</summary>
    public byte[] Data => _block;

    public int DataStart { get; private set; }

    public int DataLength { get; private set; }

    /// <summary>Where the current record is, for messages: a file offset for raw pages, else the chunk's file offset.</summary>
    public long RecordFileOffset => _pages.BlockIsRaw ? _pages.BlockFileOffset + DataStart : _pages.BlockFileOffset;

    public bool MoveNext()
    {
        IsLostEvents = false;
        while (true)
        {
            if (_end - _pos < 4)
            {
                if (!NextPage())
                {
                    return false;
                }

                if (IsLostEvents)
                {
                    Time = _time;
                    return true;
                }

                continue;
            }

            var word = U32(_pos);
            int typeLen;
            uint delta;
            if (_bigEndian)
            {
                typeLen = (int)(word >> 27);
                delta = word & 0x07FFFFFF;
            }
            else
            {
                typeLen = (int)(word & 0x1F);
                delta = word >> 5;
            }

            switch (typeLen)
            {
                case TypePadding:
                    if (delta == 0)
                    {
                        _pos = _end;
                        continue;
                    }

                    if (!Need(8, "a padding record"))
                    {
                        continue;
                    }

                    var skip = (long)U32(_pos + 4);
                    if (skip > _end - _pos - 4)
                    {
                        Damaged($"a discarded record of {skip} bytes runs past the page's commit");
                        continue;
                    }

                    _time += delta;
                    _pos += 4 + (int)skip;
                    continue;
                case TypeTimeExtend:
                    if (Need(8, "a time extend"))
                    {
                        _time += ((ulong)U32(_pos + 4) << 27) + delta;
                        _pos += 8;
                    }

                    continue;
                case TypeTimeStamp:
                    if (Need(8, "an absolute timestamp"))
                    {
                        _time = ((ulong)U32(_pos + 4) << 27) | delta | (_time & 0xF800000000000000UL);
                        _pos += 8;
                    }

                    continue;
                case 0:
                    if (!Need(8, "a long data record"))
                    {
                        continue;
                    }

                    var length = (long)U32(_pos + 4);
                    if (length < 4 || ((length - 4 + 3) & ~3L) > _end - _pos - 8)
                    {
                        Damaged($"a data record of {length} bytes runs past the page's commit");
                        continue;
                    }

                    return Record(delta, _pos + 8, (int)((length - 4 + 3) & ~3L));
                default:
                    if (typeLen * 4 > _end - _pos - 4)
                    {
                        Damaged($"a data record of {typeLen * 4} bytes runs past the page's commit");
                        continue;
                    }

                    return Record(delta, _pos + 4, typeLen * 4);
            }
        }
    }

    private bool Record(uint delta, int start, int length)
    {
        _time += delta;
        Time = _time;
        DataStart = start;
        DataLength = length;
        _pos = start + length;
        return true;
    }

    private bool NextPage()
    {
        while (true)
        {
            _pageStart += _pageSize;
            if (_pageStart + _pageSize > _blockLength)
            {
                if (!_pages.NextBlock())
                {
                    _pos = _end = 0;
                    return false;
                }

                _block = _pages.Block;
                _blockLength = _pages.BlockLength;
                _pageStart = 0;
            }

            _time = U64(_pageStart + _layout.TimestampOffset);
            var commit = _layout.CommitSize == 8 ? (long)U64(_pageStart + _layout.CommitOffset) : U32(_pageStart + _layout.CommitOffset);
            var size = commit & CommitMask;
            _pos = _pageStart + _layout.DataOffset;
            if (size > _pageSize - _layout.DataOffset)
            {
                _damage(PageFileOffset(), _pageSize, $"section BUFFER (flyrecord) cpu {Cpu}: a page's commit size {size} exceeds the page", truncated: false);
                continue;
            }

            _end = _pos + (int)size;
            if ((commit & MissedEvents) != 0)
            {
                IsLostEvents = true;
                LostCount = -1;
                if ((commit & MissedStored) != 0 && _end + _layout.CommitSize <= _pageStart + _pageSize)
                {
                    LostCount = _layout.CommitSize == 8 ? (long)U64(_end) : U32(_end);
                }
            }

            return true;
        }
    }

    private bool Need(int bytes, string what)
    {
        if (_end - _pos >= bytes)
        {
            return true;
        }

        Damaged($"{what} is cut by the page's commit");
        return false;
    }

    /// <summary>The rest of the page cannot be trusted: report it and go on with the next page.</summary>
    private void Damaged(string problem)
    {
        var lost = _end - _pos;
        var offset = _pages.BlockIsRaw ? _pages.BlockFileOffset + _pos : _pages.BlockFileOffset;
        _pos = _end;
        _damage(offset, lost, $"section BUFFER (flyrecord) cpu {Cpu}: {problem}", truncated: false);
    }

    private long PageFileOffset() => _pages.BlockIsRaw ? _pages.BlockFileOffset + _pageStart : _pages.BlockFileOffset;

    private uint U32(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_block.AsSpan(at, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_block.AsSpan(at, 4));

    private ulong U64(int at) => _bigEndian
        ? BinaryPrimitives.ReadUInt64BigEndian(_block.AsSpan(at, 8))
        : BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(at, 8));
}
