using System.IO.Compression;
using ZstdSharp;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>
/// Decompresses one trace.dat block (a section body or a flyrecord chunk) with the file's codec: "zstd" (a
/// zstd frame), "zlib" (RFC 1950 framing, what trace-cmd's compress2 writes) or "none" (FORMATS.md §2.3).
/// </summary>
internal sealed class BlockDecompressor : IDisposable
{
    private readonly Decompressor? _zstd;

    private BlockDecompressor(string name, Decompressor? zstd)
    {
        Name = name;
        _zstd = zstd;
    }

    public string Name { get; }

    /// <summary>Null for an algorithm this reader does not know.</summary>
    public static BlockDecompressor? For(string name) => name switch
    {
        "zstd" => new BlockDecompressor(name, new Decompressor()),
        "zlib" or "none" => new BlockDecompressor(name, null),
        _ => null,
    };

    /// <summary>Fills <paramref name="destination"/> exactly; false when the block is corrupt or decodes to another size.</summary>
    public bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination, out string? problem)
    {
        problem = null;
        try
        {
            int written;
            if (_zstd is not null)
            {
                written = _zstd.Unwrap(source, destination);
            }
            else if (Name == "zlib")
            {
                written = InflateZlib(source, destination);
            }
            else
            {
                if (source.Length != destination.Length)
                {
                    problem = $"an uncompressed block of {source.Length} bytes claims {destination.Length}";
                    return false;
                }

                source.CopyTo(destination);
                written = source.Length;
            }

            if (written != destination.Length)
            {
                problem = $"{Name} block decodes to {written} bytes, not the {destination.Length} its header states";
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is ZstdException or InvalidDataException or ArgumentException)
        {
            problem = $"corrupt {Name} block: {e.Message}";
            return false;
        }
    }

    public void Dispose() => _zstd?.Dispose();

    // zlib is the rare codec: a copy of the compressed block keeps this free of unsafe code.
    private static int InflateZlib(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        using var input = new MemoryStream(source.ToArray(), writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        var total = 0;
        while (total < destination.Length)
        {
            var read = zlib.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        // A block that decodes to more than its header states is as wrong as one that decodes to less.
        return total == destination.Length && zlib.ReadByte() >= 0 ? total + 1 : total;
    }
}
