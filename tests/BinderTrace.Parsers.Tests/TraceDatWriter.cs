using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BinderTrace.Tests;

/// <summary>
/// Builds one ring-buffer page the way the kernel lays it out (../shared/FORMATS.md §2.6–2.7, little endian,
/// 8-byte commit word): a u64 timestamp, the commit word (bytes used, bit 31 = events missed before this page,
/// bit 30 = the count is stored after the data), then records with a u32 header (type_len in the low 5 bits,
/// time_delta in the upper 27).
/// </summary>
internal sealed class TestPage(int pageSize, ulong timestamp)
{
    private const int DataOffset = 16;
    private readonly List<byte> _data = [];
    private long? _missed;
    private bool _missedWithoutCount;

    public int Used => _data.Count;

    /// <summary>Short form (type_len = payload/4) unless <paramref name="longForm"/> (type_len 0, length word).</summary>
    public TestPage Event(uint delta, byte[] payload, bool longForm = false)
    {
        var padded = (payload.Length + 3) & ~3;
        var bytes = new byte[padded];
        payload.CopyTo(bytes, 0);
        if (longForm || padded > 28 * 4)
        {
            Word(delta << 5);
            Word((uint)padded + 4);
        }
        else
        {
            Word((delta << 5) | (uint)(padded / 4));
        }

        _data.AddRange(bytes);
        return this;
    }

    /// <summary>type_len 30: adds <paramref name="delta"/> (may exceed 27 bits) to the running time.</summary>
    public TestPage TimeExtend(ulong delta)
    {
        Word((uint)((delta & 0x7FFFFFF) << 5) | 30);
        Word((uint)(delta >> 27));
        return this;
    }

    /// <summary>type_len 31: replaces the running time with <paramref name="time"/> (59 bits).</summary>
    public TestPage AbsoluteTime(ulong time)
    {
        Word((uint)((time & 0x7FFFFFF) << 5) | 31);
        Word((uint)(time >> 27));
        return this;
    }

    /// <summary>type_len 29 with a delta: a discarded event of <paramref name="skip"/> bytes after its header.</summary>
    public TestPage Discarded(uint delta, int skip)
    {
        Word((delta << 5) | 29);
        Word((uint)skip);
        _data.AddRange(new byte[skip - 4]);
        return this;
    }

    /// <summary>type_len 29 with delta 0: null padding, the rest of the page is unused.</summary>
    public TestPage NullPadding()
    {
        Word(29);
        return this;
    }

    public TestPage Missed(long? storedCount)
    {
        _missed = storedCount;
        _missedWithoutCount = storedCount is null;
        return this;
    }

    public byte[] ToArray()
    {
        var page = new byte[pageSize];
        BinaryPrimitives.WriteUInt64LittleEndian(page, timestamp);
        var commit = (ulong)_data.Count;
        if (_missedWithoutCount)
        {
            commit |= 1UL << 31;
        }
        else if (_missed is { } count)
        {
            commit |= (1UL << 31) | (1UL << 30);
            BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(DataOffset + _data.Count), count);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(8), commit);
        _data.CopyTo(page, DataOffset);
        return page;
    }

    private void Word(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _data.AddRange(b);
    }
}

/// <summary>
/// Writes small trace.dat files from the documented layout (../shared/FORMATS.md §2.1–2.5; trace-cmd's
/// Documentation/trace-cmd/trace-cmd.dat.v6/v7), little endian, for tests. Independent of the reader: it shares
/// no code with parsers/TraceDat. Two events are described: binder_alloc_page_start (id 100) and a generic
/// demo:demo_event (id 101) with an int and a __data_loc string.
/// </summary>
internal sealed class TraceDatWriter
{
    public const int PageEventId = 100;
    public const int DemoEventId = 101;

    private const string HeaderPage =
        "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n" +
        "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";

    private const string HeaderEvent = "# compressed entry header\n\ttype_len    :    5 bits\n\ttime_delta  :   27 bits\n\tarray       :   32 bits\n";

    private const string CommonFields =
        "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" +
        "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n";

    public static readonly string PageEventFormat =
        $"name: binder_alloc_page_start\nID: {PageEventId}\nformat:\n{CommonFields}" +
        "\tfield:int proc;\toffset:8;\tsize:4;\tsigned:1;\n\tfield:size_t page_index;\toffset:16;\tsize:8;\tsigned:0;\n\n" +
        "print fmt: \"proc=%d page_index=%zu\", REC->proc, REC->page_index\n";

    public static readonly string DemoEventFormat =
        $"name: demo_event\nID: {DemoEventId}\nformat:\n{CommonFields}" +
        "\tfield:int value;\toffset:8;\tsize:4;\tsigned:1;\n\tfield:__data_loc char[] label;\toffset:12;\tsize:4;\tsigned:0;\n\n" +
        "print fmt: \"value=%d label=%s\", REC->value, __get_str(label)\n";

    public int Version { get; init; } = 7;

    /// <summary>"none", "zstd" or "zlib" (v7 only; v6 files are never compressed).</summary>
    public string Compression { get; init; } = "none";

    public int PageSize { get; init; } = 4096;

    /// <summary>Pages per compressed chunk (v7 with a codec).</summary>
    public int PagesPerChunk { get; init; } = 2;

    /// <summary>Replaces the demo event's format text (to test an unparsable one).</summary>
    public string DemoFormat { get; init; } = DemoEventFormat;

    /// <summary>A second ring-buffer instance named in a v7 BUFFER option (with no CPUs), or null.</summary>
    public string? OtherInstance { get; init; }

    public Dictionary<int, string> Cmdlines { get; } = [];

    /// <summary>Per CPU (index = cpu id), its pages.</summary>
    public List<List<byte[]>> Cpus { get; } = [];

    /// <summary>Where each section (or v6 block) starts, filled by <see cref="Build"/>: for cut-file tests.</summary>
    public List<long> Boundaries { get; } = [];

    /// <summary>File offset of each CPU's first compressed chunk header (v7 compressed), filled by <see cref="Build"/>.</summary>
    public List<long> FirstChunkOffsets { get; } = [];

    public static byte[] PagePayload(int pid, int proc, long pageIndex)
    {
        var b = new byte[24];
        BinaryPrimitives.WriteUInt16LittleEndian(b, PageEventId);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), pid);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), proc);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(16), pageIndex);
        return b;
    }

    public static byte[] DemoPayload(int pid, int value, string label)
    {
        var text = Encoding.UTF8.GetBytes(label + "\0");
        var b = new byte[16 + text.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(b, DemoEventId);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), pid);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), value);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), (uint)((text.Length << 16) | 16));
        text.CopyTo(b, 16);
        return b;
    }

    public byte[] Build()
    {
        var file = new MemoryStream();
        file.Write([0x17, 0x08, (byte)'D', .. "tracing"u8, (byte)(Version == 6 ? '6' : '7'), 0, 0, 8]);
        U32(file, (uint)PageSize);
        return Version == 6 ? BuildVersion6(file) : BuildVersion7(file);
    }

    private byte[] BuildVersion6(MemoryStream file)
    {
        Boundaries.Add(file.Length);
        file.Write(HeaderInfo());
        Boundaries.Add(file.Length);
        U32(file, 0); // no ftrace events
        Boundaries.Add(file.Length);
        file.Write(EventFormats());
        Boundaries.Add(file.Length);
        U32(file, 0); // kallsyms
        U32(file, 0); // printk formats
        Boundaries.Add(file.Length);
        file.Write(CmdlinesBlob());
        U32(file, (uint)Cpus.Count);
        Boundaries.Add(file.Length);
        file.Write("options  \0"u8);
        U16(file, 0);
        Boundaries.Add(file.Length);
        file.Write("flyrecord\0"u8);
        var table = file.Length;
        file.Write(new byte[16 * Cpus.Count]);
        var regions = new List<(long, long)>();
        foreach (var pages in Cpus)
        {
            Boundaries.Add(file.Length);
            var start = file.Length;
            foreach (var page in pages)
            {
                file.Write(page);
            }

            regions.Add((start, file.Length - start));
        }

        file.Position = table;
        foreach (var (offset, size) in regions)
        {
            U64(file, (ulong)offset);
            U64(file, (ulong)size);
        }

        return file.ToArray();
    }

    private byte[] BuildVersion7(MemoryStream file)
    {
        file.Write(Encoding.ASCII.GetBytes(Compression + "\0" + (Compression == "none" ? "" : "1") + "\0"));
        var firstOptions = file.Length;
        U64(file, 0);
        var compressed = Compression != "none";
        var sections = new List<(ushort Id, long Offset)>();
        foreach (var (id, body) in new[] { ((ushort)16, HeaderInfo()), ((ushort)17, new byte[4]), ((ushort)18, EventFormats()), ((ushort)21, CmdlinesBlob()) })
        {
            sections.Add((id, file.Length));
            Boundaries.Add(file.Length);
            Section(file, id, body, compressed);
        }

        Boundaries.Add(file.Length);
        var bufferSection = file.Length;
        U16(file, 3);
        U16(file, (ushort)(compressed ? 1 : 0));
        U32(file, uint.MaxValue);
        var sizeAt = file.Length;
        U64(file, 0);
        var regions = new List<(long, long)>();
        foreach (var pages in Cpus)
        {
            var start = file.Length;
            if (compressed)
            {
                var chunks = pages.Chunk(PagesPerChunk).ToList();
                U32(file, (uint)chunks.Count);
                FirstChunkOffsets.Add(file.Length);
                foreach (var chunk in chunks)
                {
                    Block(file, chunk.SelectMany(p => p).ToArray());
                }
            }
            else
            {
                foreach (var page in pages)
                {
                    file.Write(page);
                }
            }

            regions.Add((start, file.Length - start));
        }

        Patch(file, sizeAt, (ulong)(file.Length - sizeAt - 8));
        var options = new MemoryStream();
        foreach (var (id, offset) in sections)
        {
            U16(options, id);
            U32(options, 8);
            U64(options, (ulong)offset);
        }

        var buffer = new MemoryStream();
        U64(buffer, (ulong)bufferSection);
        buffer.Write("\0local\0"u8);
        U32(buffer, (uint)PageSize);
        U32(buffer, (uint)Cpus.Count);
        for (var cpu = 0; cpu < regions.Count; cpu++)
        {
            U32(buffer, (uint)cpu);
            U64(buffer, (ulong)regions[cpu].Item1);
            U64(buffer, (ulong)regions[cpu].Item2);
        }

        U16(options, 3);
        U32(options, (uint)buffer.Length);
        options.Write(buffer.ToArray());
        if (OtherInstance is not null)
        {
            var other = new MemoryStream();
            U64(other, (ulong)bufferSection);
            other.Write(Encoding.UTF8.GetBytes(OtherInstance + "\0local\0"));
            U32(other, (uint)PageSize);
            U32(other, 0);
            U16(options, 3);
            U32(options, (uint)other.Length);
            options.Write(other.ToArray());
        }

        U16(options, 8);
        U32(options, 4);
        U32(options, (uint)Cpus.Count);
        U16(options, 0);
        U32(options, 8);
        U64(options, 0);
        Boundaries.Add(file.Length);
        Patch(file, firstOptions, (ulong)file.Length);
        Section(file, 0, options.ToArray(), compressed);
        return file.ToArray();
    }

    private void Section(MemoryStream file, ushort id, byte[] body, bool compressed)
    {
        U16(file, id);
        U16(file, (ushort)(compressed ? 1 : 0));
        U32(file, uint.MaxValue);
        if (!compressed)
        {
            U64(file, (ulong)body.Length);
            file.Write(body);
            return;
        }

        var packed = Compress(body);
        U64(file, (ulong)(packed.Length + 8));
        U32(file, (uint)packed.Length);
        U32(file, (uint)body.Length);
        file.Write(packed);
    }

    private void Block(MemoryStream file, byte[] data)
    {
        var packed = Compress(data);
        U32(file, (uint)packed.Length);
        U32(file, (uint)data.Length);
        file.Write(packed);
    }

    private byte[] Compress(byte[] data)
    {
        if (Compression == "zstd")
        {
            using var zstd = new ZstdSharp.Compressor();
            return zstd.Wrap(data).ToArray();
        }

        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] HeaderInfo()
    {
        var s = new MemoryStream();
        s.Write("header_page\0"u8);
        Text64(s, HeaderPage);
        s.Write("header_event\0"u8);
        Text64(s, HeaderEvent);
        return s.ToArray();
    }

    private byte[] EventFormats()
    {
        var s = new MemoryStream();
        U32(s, 2);
        s.Write("binder\0"u8);
        U32(s, 1);
        Text64(s, PageEventFormat);
        s.Write("demo\0"u8);
        U32(s, 1);
        Text64(s, DemoFormat);
        return s.ToArray();
    }

    private byte[] CmdlinesBlob()
    {
        var s = new MemoryStream();
        Text64(s, string.Concat(Cmdlines.Select(c => $"{c.Key} {c.Value}\n")));
        return s.ToArray();
    }

    private static void Text64(MemoryStream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        U64(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void Patch(MemoryStream s, long at, ulong value)
    {
        var end = s.Position;
        s.Position = at;
        U64(s, value);
        s.Position = end;
    }

    private static void U16(Stream s, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        s.Write(b);
    }

    private static void U32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }

    private static void U64(Stream s, ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        s.Write(b);
    }
}
