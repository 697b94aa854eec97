using BinderTrace.Parsers;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>A pass-through stream that reports how far the reader has got, for progress bars.</summary>
internal sealed class ProgressStream(Stream inner, Action<long> reportPosition) : ForwardReadStream(inner)
{
    private long _position;

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        _position += read;
        reportPosition(_position);
        return read;
    }
}
