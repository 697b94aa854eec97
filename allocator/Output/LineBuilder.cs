using System.Diagnostics.CodeAnalysis;

namespace BinderTrace.Allocator.Output;

/// <summary>Appends ASCII text and integers to a byte span; the caller sizes the span for the longest line.</summary>
internal ref struct LineBuilder(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Length { get; private set; }

    [UnscopedRef]
    public ref LineBuilder Char(byte c)
    {
        _buffer[Length++] = c;
        return ref this;
    }

    [UnscopedRef]
    public ref LineBuilder Char(char c) => ref Char((byte)c);

    [UnscopedRef]
    public ref LineBuilder Bytes(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(_buffer[Length..]);
        Length += utf8.Length;
        return ref this;
    }

    [UnscopedRef]
    public ref LineBuilder Ascii(string text)
    {
        foreach (var c in text)
        {
            _buffer[Length++] = (byte)c;
        }

        return ref this;
    }

    [UnscopedRef]
    public ref LineBuilder Int(long value)
    {
        value.TryFormat(_buffer[Length..], out var written, default, null);
        Length += written;
        return ref this;
    }

    [UnscopedRef]
    public ref LineBuilder UInt(ulong value)
    {
        value.TryFormat(_buffer[Length..], out var written, default, null);
        Length += written;
        return ref this;
    }

    [UnscopedRef]
    public ref LineBuilder Hex(ulong value)
    {
        value.TryFormat(_buffer[Length..], out var written, "x", null);
        Length += written;
        return ref this;
    }

    [UnscopedRef]
    public ref LineBuilder HexZeroPad(ulong value, int width)
    {
        Span<char> format = ['x', (char)('0' + (width / 10)), (char)('0' + (width % 10))];
        value.TryFormat(_buffer[Length..], out var written, format, null);
        Length += written;
        return ref this;
    }

    public void PadLeft(string text, int width)
    {
        for (var i = text.Length; i < width; i++)
        {
            _buffer[Length++] = (byte)' ';
        }

        Ascii(text);
    }

    public void IntPadRight(long value, int width)
    {
        var start = Length;
        Int(value);
        while (Length - start < width)
        {
            _buffer[Length++] = (byte)' ';
        }
    }

    public void UIntPadLeft(ulong value, int width)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, null);
        for (var i = written; i < width; i++)
        {
            _buffer[Length++] = (byte)' ';
        }

        digits[..written].CopyTo(_buffer[Length..]);
        Length += written;
    }

    public void UIntZeroPad(ulong value, int width)
    {
        Span<char> format = ['D', (char)('0' + width)];
        value.TryFormat(_buffer[Length..], out var written, format, null);
        Length += written;
    }
}
