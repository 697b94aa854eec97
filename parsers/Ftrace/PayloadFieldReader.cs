using System.Runtime.CompilerServices;

namespace BinderTrace.Parsers;

/// <summary>
/// Walks a tracepoint payload as space-separated <c>label=value</c> tokens, in two ways. <see cref="MoveNext"/>
/// yields every token (tokens without '=' come back with an empty <see cref="Label"/>); reading by label is
/// what makes the typed parsers tolerant of field order and of fields added by newer kernels. The
/// <c>Take…</c> methods expect one given label at the current position and parse its value in the same pass:
/// the fast path for payloads printed exactly in the kernel's order.
/// </summary>
internal ref struct PayloadFieldReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _position;
    private int _valueStart;

    public PayloadFieldReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
    }

    public ReadOnlySpan<byte> Label { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool MoveNext()
    {
        var p = SkipBlanks(_position);
        if (p >= _payload.Length)
        {
            _position = p;
            return false;
        }

        var end = p;
        var equals = -1;
        while (end < _payload.Length && _payload[end] != (byte)' ')
        {
            if (_payload[end] == (byte)'=' && equals < 0)
            {
                equals = end;
            }

            end++;
        }

        if (equals > p)
        {
            Label = _payload[p..equals];
            _valueStart = equals + 1;
        }
        else
        {
            Label = default;
            _valueStart = p;
        }

        Value = _payload[_valueStart..end];
        _position = end;
        return true;
    }

    /// <summary>True when every field has been taken (the fast path must not ignore unknown trailing fields).</summary>
    public readonly bool AtEnd => _position >= _payload.Length;

    /// <summary>
    /// Fast path for the kernel's own field order: takes <paramref name="labelEquals"/> ("proc=") at the current
    /// position and its value, a decimal (optionally negative) or "0x" hex number of at most 15 digits, in one
    /// pass. Returns false without a verdict when anything differs; the caller then reads by label.
    /// </summary>
    /// <remarks>Inlined so that the label, a literal at every call site, is compared as a constant.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TakeNumber(ReadOnlySpan<byte> labelEquals, out long value)
    {
        if (!_payload[_position..].StartsWith(labelEquals))
        {
            value = 0;
            return false;
        }

        return TakeNumberAt(_position + labelEquals.Length, out value);
    }

    /// <summary>
    /// Fast path for a decimal <c>%zu</c> (up to the full 64 bits: binder prints a negative size as 18446744073709547520):
    /// digits only, at most 20 of them, no overflow; anything else is left to the by-label parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TakeUnsigned(ReadOnlySpan<byte> labelEquals, out ulong value)
    {
        if (!_payload[_position..].StartsWith(labelEquals))
        {
            value = 0;
            return false;
        }

        return TakeUnsignedAt(_position + labelEquals.Length, out value);
    }

    /// <summary>Fast path for a bare hex value such as <c>mm=%p</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TakeHex(ReadOnlySpan<byte> labelEquals, out ulong value)
    {
        if (!_payload[_position..].StartsWith(labelEquals))
        {
            value = 0;
            return false;
        }

        return TakeHexAt(_position + labelEquals.Length, out value);
    }

    /// <summary>Fast path for a value without spaces, returned as bytes ("write=true", "memcg_path=/").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TakeWord(ReadOnlySpan<byte> labelEquals, out ReadOnlySpan<byte> value)
    {
        if (!_payload[_position..].StartsWith(labelEquals))
        {
            value = default;
            return false;
        }

        var start = _position + labelEquals.Length;
        var end = TokenEnd(start);
        value = _payload[start..end];
        return EndOfValue(end);
    }

    private bool TakeNumberAt(int p, out long value)
    {
        value = 0;
        var payload = _payload;
        var negative = p < payload.Length && payload[p] == (byte)'-';
        if (negative)
        {
            p++;
        }

        var start = p;
        long result = 0;
        if (!negative && p + 1 < payload.Length && payload[p] == (byte)'0' && payload[p + 1] == (byte)'x')
        {
            p += 2;
            start = p;
            while (p < payload.Length && p - start < 15)
            {
                var digit = HexValue(payload[p]);
                if (digit < 0)
                {
                    break;
                }

                result = (result << 4) | (uint)digit;
                p++;
            }
        }
        else
        {
            while (p < payload.Length && p - start < 15)
            {
                var digit = (uint)(payload[p] - '0');
                if (digit > 9)
                {
                    break;
                }

                result = (result * 10) + digit;
                p++;
            }
        }

        if (p == start || !EndOfValue(p))
        {
            return false;
        }

        value = negative ? -result : result;
        return true;
    }

    private bool TakeUnsignedAt(int p, out ulong value)
    {
        var digits = _payload[p..];
        var length = digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (length < 0)
        {
            length = digits.Length;
        }

        value = 0;
        return EndOfValue(p + length) && AsciiNumbers.TryParseDecimal(digits[..length], out value);
    }

    private bool TakeHexAt(int p, out ulong value)
    {
        value = 0;
        var start = p;
        ulong result = 0;
        while (p < _payload.Length && p - start < 16)
        {
            var digit = HexValue(_payload[p]);
            if (digit < 0)
            {
                break;
            }

            result = (result << 4) | (uint)digit;
            p++;
        }

        if (p == start || !EndOfValue(p))
        {
            return false;
        }

        value = result;
        return true;
    }

    /// <summary>A value ends at a space (skipped) or at the end of the payload.</summary>
    private bool EndOfValue(int p)
    {
        if (p < _payload.Length && _payload[p] != (byte)' ')
        {
            return false;
        }

        _position = Math.Min(p + 1, _payload.Length);
        return true;
    }

    private static int HexValue(byte b)
    {
        if ((uint)(b - '0') <= 9)
        {
            return b - '0';
        }

        var lower = (uint)((b | 0x20) - 'a');
        return lower <= 5 ? (int)lower + 10 : -1;
    }

    /// <summary>
    /// Lets a string value (a comm, a cgroup path) run on across blanks up to the next <c>label=</c> token or
    /// <c>==&gt;</c>: comms such as "Jit thread pool" contain spaces and the kernel prints them unquoted.
    /// </summary>
    public void ExtendValueToNextField()
    {
        while (true)
        {
            var next = SkipBlanks(_position);
            if (next >= _payload.Length || StartsField(next))
            {
                return;
            }

            _position = TokenEnd(next);
            Value = _payload[_valueStart.._position];
        }
    }

    private readonly bool StartsField(int p)
    {
        if (_payload[p..].StartsWith("==>"u8))
        {
            return true;
        }

        var q = p;
        while (q < _payload.Length && IsLabelByte(_payload[q]))
        {
            q++;
        }

        return q > p && q < _payload.Length && _payload[q] == (byte)'=';
    }

    private readonly int SkipBlanks(int p)
    {
        while (p < _payload.Length && _payload[p] == (byte)' ')
        {
            p++;
        }

        return p;
    }

    // Scalar: tokens are a few bytes long, too short for a vectorized search to pay off.
    private readonly int TokenEnd(int p)
    {
        while (p < _payload.Length && _payload[p] != (byte)' ')
        {
            p++;
        }

        return p;
    }

    private static bool IsLabelByte(byte b) => b == (byte)'_' || (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 25;
}
