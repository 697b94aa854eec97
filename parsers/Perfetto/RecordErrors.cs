using BinderTrace.Events;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Where a Perfetto record that cannot be decoded goes: thrown in strict mode, counted (with its byte offset)
/// in lenient mode, where the reader keeps what it decoded and goes on with the next record it can frame.
/// </summary>
internal sealed class RecordErrors(string sourceName, TraceDiagnostics diagnostics, bool strict)
{
    /// <summary>
    /// Set while decoding the packets inside a compressed packet: offsets are then positions in the
    /// decompressed bytes, and the error names the compressed packet's offset in the file as well.
    /// </summary>
    public long? CompressedAt { get; set; }

    public void Report(long offset, string problem)
    {
        if (CompressedAt is { } packetOffset)
        {
            problem += $" (at byte {offset} of the data decompressed from the compressed packets at byte {packetOffset})";
            offset = packetOffset;
        }

        if (strict)
        {
            throw new TraceFormatException(sourceName, 0, offset, problem);
        }

        diagnostics.AddUnparsedLine(0, offset, problem, "");
    }
}
