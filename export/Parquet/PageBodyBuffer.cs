using System.Buffers;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// A reusable growable byte buffer in which one page body (or dictionary page) is assembled before
/// compression. Unlike <see cref="ArrayBufferWriter{T}"/> it allows back-patching a reserved length.
/// </summary>
internal sealed class PageBodyBuffer : IBufferWriter<byte>
{
    private byte[] _bytes = new byte[1 << 16];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Skips <paramref name="count"/> bytes to be filled in later through <see cref="At"/>; returns their offset.</summary>
    public int Reserve(int count)
    {
        var offset = Length;
        GetSpan(count)[..count].Clear();
        Length += count;
        return offset;
    }

    /// <summary>Already written bytes, for back-patching a reserved length.</summary>
    public Span<byte> At(int offset, int count) => _bytes.AsSpan(0, Length).Slice(offset, count);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _bytes.Length - Length);
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsSpan(Length);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Length + Math.Max(sizeHint, 1);
        if (needed > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(needed, checked(_bytes.Length * 2)));
        }
    }
}
