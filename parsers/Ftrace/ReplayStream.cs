using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// A read-only stream that first returns bytes already taken from <paramref name="inner"/> (while sniffing
/// the format) and then continues with <paramref name="inner"/>, so detection works on pipes and stdin.
/// </summary>
internal sealed class ReplayStream(ReadOnlyMemory<byte> prefix, Stream inner) : ForwardReadStream(inner)
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
        {
            return Inner.Read(buffer);
        }

        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
}
