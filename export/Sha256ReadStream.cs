using System.Security.Cryptography;
using BinderTrace.Parsers;

namespace BinderTrace.Export;

/// <summary>
/// Hashes a trace file's bytes as the reader consumes them, so the export's <c>bindertrace.sha256</c> footer key
/// costs no second read of the file.
/// </summary>
public sealed class Sha256ReadStream(Stream inner) : ForwardReadStream(inner)
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The digest of everything read so far, as written in the footer: <c>sha256:&lt;hex&gt;</c>.</summary>
    public string Digest() => Format(_hash.GetCurrentHash());

    public static string Format(byte[] sha256) => "sha256:" + Convert.ToHexStringLower(sha256);

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
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
