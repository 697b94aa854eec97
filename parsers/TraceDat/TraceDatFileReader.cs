using System.Globalization;
using BinderTrace.Events;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>
/// Reads a trace.dat file's metadata: the initial header, then either the version 6 sequence (header blobs,
/// event formats, kallsyms, printk formats, cmdlines, cpus, options, flyrecord table) or the version 7
/// options chain and the sections it points at (FORMATS.md §2; trace-cmd's trace-input.c). Ring-buffer pages
/// are not read here: the result says where each CPU's pages are.
/// </summary>
internal static class TraceDatFileReader
{
    public static ReadOnlySpan<byte> Magic => [0x17, 0x08, (byte)'D', (byte)'t', (byte)'r', (byte)'a', (byte)'c', (byte)'i', (byte)'n', (byte)'g'];

    private const ushort OptionDone = 0;
    private const ushort OptionDate = 1;
    private const ushort OptionBuffer = 3;
    private const ushort OptionTraceClock = 4;
    private const ushort OptionOffset = 7;
    private const ushort OptionCpuCount = 8;
    private const ushort OptionTsc2Nsec = 14;
    private const ushort SectionStrings = 15;
    private const ushort SectionHeaderInfo = 16;
    private const ushort SectionFtraceEvents = 17;
    private const ushort SectionEventFormats = 18;
    private const ushort SectionKallsyms = 19;
    private const ushort SectionPrintk = 20;
    private const ushort SectionCmdlines = 21;

    public static TraceDatLayout Read(ReadAt read, long length, string sourceName)
    {
        var cursor = new DatCursor(read, length, sourceName, "file header", bigEndian: false);
        if (cursor.Remaining < Magic.Length || !cursor.Take(Magic.Length).SequenceEqual(Magic))
        {
            cursor.Position = 0;
            throw cursor.Fail("bad magic: not a trace-cmd trace.dat file");
        }

        var versionText = cursor.ReadCString();
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version is not (6 or 7))
        {
            throw cursor.Fail($"file version '{versionText}' is not supported (versions 6 and 7 are)");
        }

        var endian = cursor.ReadU8();
        if (endian > 1)
        {
            throw cursor.Fail($"endianness byte {endian} is neither 0 (little) nor 1 (big)");
        }

        cursor.BigEndian = endian == 1;
        cursor.ReadU8(); // the recording host's user-space long size; the kernel's comes from header_page
        var layout = new TraceDatLayout { Version = version, BigEndian = cursor.BigEndian, PageSize = (int)Math.Min(cursor.ReadU32(), int.MaxValue) };
        if (version == 6)
        {
            ReadVersion6(cursor, layout);
        }
        else
        {
            ReadVersion7(cursor, layout, sourceName);
        }

        if (layout.Page.CommitSize == 0)
        {
            throw cursor.Fail("the file has no header_page description");
        }

        if (layout.PageSize <= layout.Page.DataOffset || layout.PageSize > 1 << 24)
        {
            throw cursor.Fail($"page size {layout.PageSize} is impossible");
        }

        return layout;
    }

    private static void ReadVersion6(DatCursor cursor, TraceDatLayout layout)
    {
        ReadHeaderInfo(cursor, layout);
        ReadFtraceEvents(cursor, layout);
        ReadEventFormats(cursor, layout);
        cursor.Section = "kallsyms";
        cursor.Skip(cursor.ReadU32());
        cursor.Section = "printk formats";
        cursor.Skip(cursor.ReadU32());
        ReadCmdlines(cursor, layout);
        cursor.Section = "cpu count";
        var cpus = (int)Math.Min(cursor.ReadU32(), 1 << 16);
        var hasClockBlob = false;
        while (true)
        {
            cursor.Section = "section tag";
            var tag = cursor.Take(10);
            if (tag.SequenceEqual("options  \0"u8))
            {
                cursor.Section = "options";
                while (true)
                {
                    var id = cursor.ReadU16();
                    if (id == OptionDone)
                    {
                        break;
                    }

                    var size = cursor.ReadU32();
                    var data = cursor.Take(size).ToArray();
                    hasClockBlob |= id == OptionTraceClock;
                    ApplyOption(cursor, layout, id, data);
                }

                continue;
            }

            if (tag.SequenceEqual("latency  \0"u8))
            {
                throw cursor.Fail("a latency-tracer file (text, not ring-buffer pages) is not supported");
            }

            if (!tag.SequenceEqual("flyrecord\0"u8))
            {
                cursor.Position -= 10;
                throw cursor.Fail("expected 'options', 'latency' or 'flyrecord'");
            }

            break;
        }

        cursor.Section = "flyrecord cpu table";
        if (layout.CpuCount > 0)
        {
            cpus = layout.CpuCount;
        }

        layout.CpuCount = cpus;
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            layout.TopInstanceCpus.Add(new CpuRegion(cpu, cursor.ReadSize64(), cursor.ReadSize64()));
        }

        if (hasClockBlob)
        {
            cursor.Section = "trace clock";
            layout.Clock = SelectedClock(cursor.ReadText(cursor.ReadSize64())) ?? layout.Clock;
        }
    }

    private static void ReadVersion7(DatCursor cursor, TraceDatLayout layout, string sourceName)
    {
        cursor.Section = "compression header";
        layout.Compression = cursor.ReadCString();
        cursor.ReadCString(); // codec version
        using var codec = BlockDecompressor.For(layout.Compression)
            ?? throw cursor.Fail($"unknown compression algorithm '{layout.Compression}'");
        var sections = new Dictionary<ushort, long>();
        var buffers = new List<(long SectionOffset, string Name)>();
        var nextOptions = cursor.ReadSize64();
        var visited = new HashSet<long>();
        while (nextOptions != 0)
        {
            if (!visited.Add(nextOptions))
            {
                throw cursor.Fail($"the options chain loops back to byte {nextOptions}");
            }

            var options = ReadSectionBody(cursor, nextOptions, OptionDone, "options", codec, sourceName);
            nextOptions = 0;
            while (options.Remaining > 0)
            {
                var id = options.ReadU16();
                var size = options.ReadU32();
                var data = options.Take(size).ToArray();
                if (id == OptionDone)
                {
                    nextOptions = data.Length == 8 ? (long)Math.Min(Number(layout, data, 0, 8), long.MaxValue) : 0;
                    break;
                }

                if (id is >= SectionStrings and <= SectionCmdlines && data.Length == 8)
                {
                    sections[id] = (long)Math.Min(Number(layout, data, 0, 8), long.MaxValue);
                }
                else if (id == OptionBuffer)
                {
                    buffers.Add(ReadBufferOption(options, layout, data));
                }
                else
                {
                    ApplyOption(options, layout, id, data);
                }
            }
        }

        foreach (var (id, name) in new[] { (SectionHeaderInfo, "HEADER_INFO"), (SectionFtraceEvents, "FTRACE_EVENTS"), (SectionEventFormats, "EVENT_FORMATS"), (SectionCmdlines, "CMDLINES") })
        {
            if (!sections.TryGetValue(id, out var offset))
            {
                if (id == SectionHeaderInfo)
                {
                    throw cursor.Fail("the options name no HEADER_INFO section");
                }

                continue;
            }

            var body = ReadSectionBody(cursor, offset, id, "section " + name, codec, sourceName);
            switch (id)
            {
                case SectionHeaderInfo: ReadHeaderInfo(body, layout); break;
                case SectionFtraceEvents: ReadFtraceEvents(body, layout); break;
                case SectionEventFormats: ReadEventFormats(body, layout); break;
                default: ReadCmdlines(body, layout); break;
            }
        }

        var top = buffers.FindIndex(b => b.Name.Length == 0);
        if (top < 0)
        {
            throw cursor.Fail("the file has no BUFFER option for the top instance (no ring-buffer data)");
        }

        cursor.Position = buffers[top].SectionOffset;
        cursor.Section = "section BUFFER (flyrecord)";
        var sectionId = cursor.ReadU16();
        var flags = cursor.ReadU16();
        if (sectionId != OptionBuffer)
        {
            cursor.Position -= 4;
            throw cursor.Fail($"unknown section id {sectionId} where the BUFFER option points (expected {OptionBuffer})");
        }

        layout.TopInstanceCompressed = (flags & 1) != 0;
        if (layout.CpuCount == 0)
        {
            layout.CpuCount = layout.TopInstanceCpus.Count == 0 ? 0 : layout.TopInstanceCpus.Max(c => c.Cpu) + 1;
        }
    }

    /// <summary>v7 BUFFER: <c>u64 section offset; name; clock; u32 page size; u32 cpus; cpus × {u32 cpu; u64 offset; u64 size}</c>.</summary>
    private static (long, string) ReadBufferOption(DatCursor options, TraceDatLayout layout, byte[] data)
    {
        var buffer = DatCursor.OverMemory(data, "", options.Section + " BUFFER option", layout.BigEndian, options.FileOffset);
        var sectionOffset = buffer.ReadSize64();
        var name = buffer.ReadCString();
        var clock = buffer.ReadCString();
        var pageSize = (int)Math.Min(buffer.ReadU32(), int.MaxValue);
        var cpus = buffer.ReadU32();
        if (name.Length > 0)
        {
            layout.OtherInstances.Add(name);
            return (sectionOffset, name);
        }

        layout.Clock = clock;
        layout.PageSize = pageSize;
        for (var i = 0; i < cpus; i++)
        {
            var cpu = buffer.ReadU32();
            layout.TopInstanceCpus.Add(new CpuRegion((int)Math.Min(cpu, int.MaxValue), buffer.ReadSize64(), buffer.ReadSize64()));
        }

        return (sectionOffset, name);
    }

    private static void ApplyOption(DatCursor at, TraceDatLayout layout, ushort id, byte[] data)
    {
        switch (id)
        {
            case OptionDate:
                layout.TimestampOffset += ParseCNumber(at, data, "DATE") * 1000;
                break;
            case OptionOffset:
                layout.TimestampOffset += ParseCNumber(at, data, "OFFSET");
                break;
            case OptionCpuCount when data.Length >= 4:
                layout.CpuCount = (int)Math.Min(Number(layout, data, 0, 4), 1 << 16);
                break;
            case OptionTraceClock:
                layout.Clock ??= SelectedClock(System.Text.Encoding.UTF8.GetString(data));
                break;
            case OptionTsc2Nsec when data.Length >= 16:
                layout.Tsc2Nsec = new TscConversion((uint)Number(layout, data, 0, 4), (int)Number(layout, data, 4, 4), (long)Number(layout, data, 8, 8));
                break;
            case OptionBuffer when layout.Version == 6 && data.Length >= 8:
                var end = Array.IndexOf(data, (byte)0, 8);
                var name = System.Text.Encoding.UTF8.GetString(data, 8, (end < 0 ? data.Length : end) - 8);
                if (name.Length > 0)
                {
                    layout.OtherInstances.Add(name);
                }

                break;
        }
    }

    /// <summary>A section header (<c>u16 id; u16 flags; u32 string id; u64 size</c>) and its body, decompressed when flagged.</summary>
    private static DatCursor ReadSectionBody(DatCursor cursor, long offset, ushort expectedId, string name, BlockDecompressor codec, string sourceName)
    {
        if (offset < 0 || offset >= cursor.Length)
        {
            throw cursor.Fail($"{name} is said to start at byte {offset}, past the end of the file ({cursor.Length} bytes)");
        }

        cursor.Position = offset;
        cursor.Section = name;
        var id = cursor.ReadU16();
        var flags = cursor.ReadU16();
        cursor.ReadU32();
        var size = cursor.ReadSize64();
        if (id != expectedId)
        {
            cursor.Position = offset;
            throw cursor.Fail($"unknown section id {id} (expected {expectedId})");
        }

        var bodyOffset = cursor.Position;
        if ((flags & 1) == 0)
        {
            return DatCursor.OverMemory(cursor.Take(size).ToArray(), sourceName, name, cursor.BigEndian, bodyOffset);
        }

        var compressedSize = cursor.ReadU32();
        var uncompressedSize = cursor.ReadU32();
        if (uncompressedSize > 1 << 30)
        {
            throw cursor.Fail($"a compressed block claims {uncompressedSize} bytes");
        }

        var compressed = cursor.Take(compressedSize);
        var body = new byte[uncompressedSize];
        if (!codec.TryDecompress(compressed, body, out var problem))
        {
            cursor.Position = bodyOffset;
            throw cursor.Fail(problem!);
        }

        return DatCursor.OverMemory(body, sourceName, name, cursor.BigEndian, bodyOffset);
    }

    private static void ReadHeaderInfo(DatCursor cursor, TraceDatLayout layout)
    {
        cursor.Section = "header_page";
        if (cursor.ReadCString() != "header_page")
        {
            throw cursor.Fail("expected the 'header_page' blob");
        }

        var text = cursor.ReadText(cursor.ReadSize64());
        int? timestamp = null, commit = null, commitSize = null, data = null;
        foreach (var line in text.Split('\n'))
        {
            if (!line.TrimStart().StartsWith("field:", StringComparison.Ordinal))
            {
                continue;
            }

            var field = EventFormatParser.ParseField(line.Trim(), out _) ?? throw cursor.Fail($"unparsable header_page line '{line.Trim()}'");
            switch (field.Name)
            {
                case "timestamp": timestamp = field.Offset; break;
                case "commit": (commit, commitSize) = (field.Offset, field.Size); break;
                case "data": data = field.Offset; break;
            }
        }

        if (timestamp is null || commit is null || data is null || commitSize is not (4 or 8))
        {
            throw cursor.Fail("header_page lacks the timestamp, commit (4 or 8 bytes) or data field");
        }

        layout.Page = new PageLayout(timestamp.Value, commit.Value, commitSize.Value, data.Value);
        cursor.Section = "header_event";
        if (cursor.ReadCString() != "header_event")
        {
            throw cursor.Fail("expected the 'header_event' blob");
        }

        cursor.Skip(cursor.ReadSize64());
    }

    private static void ReadFtraceEvents(DatCursor cursor, TraceDatLayout layout)
    {
        cursor.Section = "ftrace event formats";
        var count = cursor.ReadU32();
        for (var i = 0; i < count; i++)
        {
            AddFormat(cursor, layout, "ftrace");
        }
    }

    private static void ReadEventFormats(DatCursor cursor, TraceDatLayout layout)
    {
        cursor.Section = "event formats";
        var systems = cursor.ReadU32();
        for (var s = 0; s < systems; s++)
        {
            var system = cursor.ReadCString();
            var count = cursor.ReadU32();
            for (var i = 0; i < count; i++)
            {
                AddFormat(cursor, layout, system);
            }
        }
    }

    private static void AddFormat(DatCursor cursor, TraceDatLayout layout, string system)
    {
        var size = cursor.ReadSize64();
        var start = cursor.Position;
        var text = cursor.ReadText(size);
        var format = EventFormatParser.Parse(system, text, out var problem);
        if (format is null)
        {
            cursor.Position = start;
            throw cursor.Fail($"unparsable format text of a {system} event: {problem}");
        }

        layout.FormatsById[format.Id] = format;
    }

    private static void ReadCmdlines(DatCursor cursor, TraceDatLayout layout)
    {
        cursor.Section = "cmdlines";
        foreach (var line in cursor.ReadText(cursor.ReadSize64()).Split('\n'))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && int.TryParse(line.AsSpan(0, space), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                layout.Comms[pid] = line[(space + 1)..];
            }
        }
    }

    /// <summary>The clock in brackets in <c>trace_clock</c> text ("local global [boot]"), or the whole text if it has none.</summary>
    private static string? SelectedClock(string text)
    {
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = text.IndexOf(']', StringComparison.Ordinal);
        if (open >= 0 && close > open)
        {
            return text[(open + 1)..close];
        }

        var trimmed = text.Trim('\0', ' ', '\n');
        return trimmed.Length > 0 && !trimmed.Contains(' ', StringComparison.Ordinal) ? trimmed : null;
    }

    private static long ParseCNumber(DatCursor at, byte[] data, string option)
    {
        var text = System.Text.Encoding.ASCII.GetString(data).Trim('\0', ' ', '\n');
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        var parsed = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return parsed ? (negative ? -value : value) : throw at.Fail($"{option} option '{text}' is not a number");
    }

    private static ulong Number(TraceDatLayout layout, byte[] data, int offset, int size)
    {
        var span = data.AsSpan(offset, size);
        return size == 4
            ? layout.BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span)
            : layout.BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(span) : System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(span);
    }
}
