using System.Buffers;

namespace BinderTrace.Allocator.Output;

/// <summary>A fixed buffer in front of a stream: hands out spans, writes the buffer out when a request does not fit.</summary>
internal sealed class StreamBufferWriter(Stream stream, int capacity = 1 << 18) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _used;

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Reserve(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Reserve(sizeHint));

    public void Flush()
    {
        stream.Write(_buffer, 0, _used);
        _used = 0;
        stream.Flush();
    }

    private int Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeHint), sizeHint, $"larger than the {_buffer.Length}-byte output buffer");
        }

        if (_buffer.Length - _used < needed)
        {
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }

        return _used;
    }
}
