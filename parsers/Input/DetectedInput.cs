using BinderTrace.Events;

namespace BinderTrace.Parsers.Input;

/// <summary>The ftrace text inside whatever container the input was, and what that container was.</summary>
/// <param name="CutWhileSniffing">The compressed input already broke off inside the bytes read for detection.</param>
/// <param name="Gzip">For gzip input: checks at the end whether the compressed stream was complete.</param>
internal sealed record DetectedInput(
    Stream Text, TraceFormat Format, bool Compressed, bool CutWhileSniffing = false, CheckedGzipStream? Gzip = null)
{
    /// <summary>For zstd and xz input: says whether decoding stopped at damage.</summary>
    public DecoderGuardStream? Decoder { get; init; }

    /// <summary>What the input looks like, for the message when it holds no trace events ("empty", "a JSON document").</summary>
    public string LooksLike { get; init; } = "text without ftrace event lines";

    /// <summary>Set when the input is certainly not text (an ELF binary, an image, an archive): refused at once.</summary>
    public bool NotText { get; init; }
}
