using System.Security.Cryptography;
using BinderTrace.Parsers;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Pipeline;

/// <summary>
/// Hashes an input's stored bytes (compressed or not) as the reader consumes them, so a pass that wants the
/// input's SHA-256 (the export's <c>bindertrace.sha256</c> footer key) reads the input once, stdin included.
/// </summary>
internal sealed class InputSha256Stream(Stream inner) : ForwardReadStream(inner)
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _digest;

    public static string Format(byte[] sha256) => "sha256:" + Convert.ToHexStringLower(sha256);

    /// <summary>
    /// The digest of the whole input, as written in footers: <c>sha256:&lt;hex&gt;</c>. Bytes the reader left unread
    /// (after a trailer it does not need) are read here so that they count; once the reader has closed the input,
    /// it is the digest of what it read, which is everything for readers that stop only at the end.
    /// </summary>
    public string Complete()
    {
        if (_digest is null)
        {
            var rest = new byte[1 << 16];
            int read;
            while ((read = Inner.Read(rest)) > 0)
            {
                _hash.AppendData(rest.AsSpan(0, read));
            }

            _digest = Format(_hash.GetCurrentHash());
        }

        return _digest;
    }

    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        _hash.AppendData(buffer[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _digest ??= Format(_hash.GetCurrentHash());
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
