using System.Runtime.InteropServices;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// ZSTD frames from the machine's own libzstd (the reference implementation, RFC 8878), where one is installed. Warmed
/// up, the managed port (ZstdSharp) is as fast (`bench events-table`), but each run starts it cold: its ~600 methods go
/// through every JIT tier, slow until they reach tier 1. In `export` of the 1.1 GB bench trace libzstd took 0.8× the CPU
/// samples of ZstdSharp's compression, and the whole export 0.91× its samples counted against the (unchanged) parse's
/// (perf, 3 runs in turns). Where
/// no libzstd 1.4 or later loads, <see cref="PageCompressor"/> uses ZstdSharp: both write standard frames, which every
/// reader decodes alike.
/// </summary>
internal sealed unsafe class NativeZstdCompressor : IDisposable
{
    /// <summary>ZSTD_compressCCtx with negative (fast) levels and ZSTD_getErrorName are in every release since 1.4.0.</summary>
    private const uint MinimumVersion = 1_04_00;

    private static readonly string[] LibraryNames = ["libzstd.so.1", "libzstd.1.dylib", "libzstd.dll", "zstd.dll"];
    private static readonly Api? Library = Load();

    private readonly ContextHandle _context;
    private readonly int _level;

    private NativeZstdCompressor(ContextHandle context, int level)
    {
        _context = context;
        _level = level;
    }

    /// <summary>A compressor at <paramref name="level"/>, or null when the machine has no usable libzstd.</summary>
    public static NativeZstdCompressor? TryCreate(int level)
    {
        if (Library is null)
        {
            return null;
        }

        var context = new ContextHandle(Library);
        if (context.IsInvalid)
        {
            throw new InvalidOperationException("libzstd could not allocate a compression context.");
        }

        return new NativeZstdCompressor(context, level);
    }

    /// <summary>The largest frame <paramref name="length"/> bytes can compress into.</summary>
    public static int CompressBound(int length) => checked((int)Library!.CompressBound((nuint)length));

    /// <summary>Compresses <paramref name="source"/> into one frame at the start of <paramref name="destination"/> (at least <see cref="CompressBound"/> bytes); returns its length.</summary>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        nuint written;
        fixed (byte* from = source)
        {
            fixed (byte* to = destination)
            {
                written = Library!.CompressContext(_context.DangerousGetHandle(), to, (nuint)destination.Length, from, (nuint)source.Length, _level);
            }
        }

        if (Library.IsError(written) != 0)
        {
            throw new InvalidOperationException($"libzstd failed to compress a page: {Marshal.PtrToStringUTF8(Library.ErrorName(written))}");
        }

        return checked((int)written);
    }

    public void Dispose() => _context.Dispose();

    private static Api? Load()
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, typeof(NativeZstdCompressor).Assembly, null, out var handle) && Api.TryBind(handle) is { } api)
            {
                return api;
            }
        }

        return null;
    }

    /// <summary>The entry points of libzstd this writer calls.</summary>
    private sealed class Api
    {
        public delegate* unmanaged<nint> CreateContext;
        public delegate* unmanaged<nint, nuint> FreeContext;
        public delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint> CompressContext;
        public delegate* unmanaged<nuint, nuint> CompressBound;
        public delegate* unmanaged<nuint, uint> IsError;
        public delegate* unmanaged<nuint, nint> ErrorName;

        public static Api? TryBind(nint library)
        {
            if (!NativeLibrary.TryGetExport(library, "ZSTD_versionNumber", out var version)
                || ((delegate* unmanaged<uint>)version)() < MinimumVersion
                || !NativeLibrary.TryGetExport(library, "ZSTD_createCCtx", out var create)
                || !NativeLibrary.TryGetExport(library, "ZSTD_freeCCtx", out var free)
                || !NativeLibrary.TryGetExport(library, "ZSTD_compressCCtx", out var compress)
                || !NativeLibrary.TryGetExport(library, "ZSTD_compressBound", out var bound)
                || !NativeLibrary.TryGetExport(library, "ZSTD_isError", out var isError)
                || !NativeLibrary.TryGetExport(library, "ZSTD_getErrorName", out var errorName))
            {
                return null;
            }

            return new Api
            {
                CreateContext = (delegate* unmanaged<nint>)create,
                FreeContext = (delegate* unmanaged<nint, nuint>)free,
                CompressContext = (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, int, nuint>)compress,
                CompressBound = (delegate* unmanaged<nuint, nuint>)bound,
                IsError = (delegate* unmanaged<nuint, uint>)isError,
                ErrorName = (delegate* unmanaged<nuint, nint>)errorName,
            };
        }
    }

    /// <summary>A ZSTD_CCtx, freed once, also when a writer is abandoned without being disposed.</summary>
    private sealed class ContextHandle : SafeHandle
    {
        private readonly Api _api;

        public ContextHandle(Api api)
            : base(0, ownsHandle: true)
        {
            _api = api;
            SetHandle(api.CreateContext());
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            _api.FreeContext(handle);
            return true;
        }
    }
}
