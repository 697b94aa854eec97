using BinderTrace.Events;

namespace BinderTrace.Parsers;

/// <summary>What a <see cref="TextBlock"/> holds.</summary>
internal enum TextBlockKind
{
    /// <summary>Whole lines, each ending with its newline.</summary>
    Lines,

    /// <summary>One line longer than the limit, skipped without being kept; it starts at <see cref="TextBlock.Offset"/>.</summary>
    TooLongLine,

    /// <summary>The end of the input (or a read error, in <see cref="TextBlock.Error"/>).</summary>
    End,
}

/// <summary>
/// A line the block parser leaves to the reader's single ordered pass (special and header lines, lines that are no
/// event, malformed payloads, lines over the limit), with where it sits: after <see cref="EventIndex"/> of the block's
/// events, as the block's <see cref="LineIndex"/>-th line, at <see cref="Start"/> in its buffer.
/// </summary>
internal readonly record struct DeferredLine(int EventIndex, int LineIndex, int Start, int Length, bool TooLong);

/// <summary>
/// A run of whole input lines and what parsing them gave: the event lines as typed events, the rest as
/// <see cref="DeferredLine"/>s. Blocks are pooled: the buffers are reused once the reader has handed the events on.
/// </summary>
internal sealed class TextBlock(int bufferBytes)
{
    public byte[] Buffer { get; set; } = new byte[bufferBytes];

    public int Length { get; set; }

    /// <summary>Byte offset of <see cref="Buffer"/>[0] in the (decompressed) input.</summary>
    public long Offset { get; set; }

    public TextBlockKind Kind { get; set; }

    /// <summary>The input failed while this block was read, or parsing it failed unexpectedly.</summary>
    public Exception? Error { get; set; }

    public TraceEvent[] Events { get; set; } = new TraceEvent[Math.Max(16, bufferBytes / 64)];

    public int EventCount { get; set; }

    /// <summary>Whether the block's first event carries a raw counter timestamp (decides the trace's clock).</summary>
    public bool FirstEventRawTimestamp { get; set; }

    public List<DeferredLine> Deferred { get; } = [];

    /// <summary>Newlines in the block: the lines it holds.</summary>
    public int LineCount { get; set; }

    /// <summary>The slot the next event is parsed into; <see cref="Commit"/> keeps it.</summary>
    public ref TraceEvent NextSlot()
    {
        if (EventCount == Events.Length)
        {
            var grown = Events;
            Array.Resize(ref grown, grown.Length * 2);
            Events = grown;
        }

        return ref Events[EventCount];
    }

    public void Commit(bool rawTimestamp)
    {
        if (EventCount == 0)
        {
            FirstEventRawTimestamp = rawTimestamp;
        }

        EventCount++;
    }
}
