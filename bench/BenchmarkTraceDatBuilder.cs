using System.Buffers.Binary;

namespace BinderTrace.Bench;

/// <summary>
/// Builds a large trace.dat for the benchmark from a real capture rewritten as version 6 without compression
/// (trace-cmd convert --file-version 6 --compression none; the captures' trace.v6.dat.gz): the metadata is kept,
/// and each CPU's ring-buffer pages are repeated with every page timestamp shifted past the previous copy, so
/// the file keeps the real record mix and each CPU stays in time order. The CPU table after the "flyrecord"
/// tag is rewritten to the new offsets (FORMATS.md §2.2). Never committed (bench/data/ is ignored).
/// </summary>
internal static class BenchmarkTraceDatBuilder
{
    public static void Build(string captureV6Dat, string outputPath, long targetBytes)
    {
        var input = File.ReadAllBytes(captureV6Dat);
        var tag = input.AsSpan().LastIndexOf("flyrecord\0"u8);
        if (input.Length < 18 || input[10] != (byte)'6' || tag < 0)
        {
            throw new InvalidDataException($"{captureV6Dat} is not an uncompressed version 6 trace.dat");
        }

        var pageSize = BinaryPrimitives.ReadInt32LittleEndian(input.AsSpan(14));
        var cpus = ReadCpuTable(input, tag + 10);
        var dataStart = cpus.Min(c => c.Offset);
        var pageTimes = cpus.SelectMany(c => PageStarts(c, pageSize)).Select(p => BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan((int)p))).ToList();
        var period = pageTimes.Max() - pageTimes.Min() + 10_000_000_000UL; // ten quiet seconds between copies
        var dataBytes = cpus.Sum(c => c.Size);
        var copies = Math.Max(1, (targetBytes + dataBytes - 1) / dataBytes);

        var header = input.AsSpan(0, (int)dataStart).ToArray();
        var next = dataStart;
        for (var i = 0; i < cpus.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(tag + 10 + (16 * i)), next);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(tag + 18 + (16 * i)), cpus[i].Size * copies);
            next += cpus[i].Size * copies;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        output.Write(header);
        foreach (var cpu in cpus)
        {
            var pages = input.AsSpan((int)cpu.Offset, (int)cpu.Size).ToArray();
            for (var copy = 0L; copy < copies; copy++)
            {
                var shifted = (byte[])pages.Clone();
                for (var page = 0; page + pageSize <= shifted.Length; page += pageSize)
                {
                    var time = BinaryPrimitives.ReadUInt64LittleEndian(shifted.AsSpan(page));
                    BinaryPrimitives.WriteUInt64LittleEndian(shifted.AsSpan(page), time + ((ulong)copy * period));
                }

                output.Write(shifted);
            }
        }

        Console.WriteLine($"{outputPath}: {cpus.Count} cpus, {copies} copies of {dataBytes} bytes of pages");
    }

    /// <summary>
    /// The { u64 offset; u64 size } pairs after the tag, one per CPU. The pairs end where the next 16 bytes are
    /// not a region inside the file (the trace-clock blob that follows starts with a small size).
    /// </summary>
    private static List<(long Offset, long Size)> ReadCpuTable(byte[] input, int at)
    {
        var cpus = new List<(long Offset, long Size)>();
        while (at + 16 <= input.Length)
        {
            var offset = BinaryPrimitives.ReadInt64LittleEndian(input.AsSpan(at));
            var size = BinaryPrimitives.ReadInt64LittleEndian(input.AsSpan(at + 8));
            if (offset <= at || size < 0 || offset + size > input.Length)
            {
                break;
            }

            cpus.Add((offset, size));
            at += 16;
        }

        return cpus;
    }

    private static IEnumerable<long> PageStarts((long Offset, long Size) cpu, int pageSize)
    {
        for (var page = cpu.Offset; page + pageSize <= cpu.Offset + cpu.Size; page += pageSize)
        {
            yield return page;
        }
    }
}
