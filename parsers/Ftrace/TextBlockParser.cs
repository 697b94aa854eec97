using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BinderTrace.Parsers;

/// <summary>
/// Parses the event lines of one <see cref="TextBlock"/>, on any thread: everything that needs the trace's
/// state in file order (header and special lines, lost-event markers, lines that are no event, malformed payloads,
/// over-long lines) is left as a <see cref="DeferredLine"/> for the reader's ordered pass, which parses it
/// exactly as a single-threaded read would.
/// </summary>
internal sealed class TextBlockParser(FtraceEventBuilder builder, int maxLineBytes)
{
    public void Parse(TextBlock block)
    {
        block.EventCount = 0;
        block.Deferred.Clear();
        var text = block.Buffer.AsSpan(0, block.Length);
        var start = 0;
        var lineIndex = 0;

        // The newlines of the whole block are found 32 bytes at a time and their positions taken from the bit
        // mask: a search started afresh on every line costs more in set-up than the ~90 bytes of a line take.
        ref var first = ref MemoryMarshal.GetReference(text);
        var newlines = Vector256.Create((byte)'\n');
        var chunk = 0;
        for (; Vector256.IsHardwareAccelerated && chunk + Vector256<byte>.Count <= text.Length; chunk += Vector256<byte>.Count)
        {
            var mask = Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)chunk), newlines).ExtractMostSignificantBits();
            while (mask != 0)
            {
                var end = chunk + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                TakeLine(block, text, start, end - start, lineIndex++);
                start = end + 1;
            }
        }

        while (start < text.Length)
        {
            var length = text[start..].IndexOf((byte)'\n');
            TakeLine(block, text, start, length, lineIndex++);
            start += length + 1;
        }

        block.LineCount = lineIndex;
    }

    private void TakeLine(TextBlock block, ReadOnlySpan<byte> text, int start, int length, int lineIndex)
    {
        if (length > maxLineBytes)
        {
            block.Deferred.Add(new DeferredLine(block.EventCount, lineIndex, start, 0, TooLong: true));
        }
        else
        {
            var line = text.Slice(start, length > 0 && text[start + length - 1] == (byte)'\r' ? length - 1 : length);
            ParseLine(block, line, lineIndex, start);
        }
    }

    private void ParseLine(TextBlock block, ReadOnlySpan<byte> line, int lineIndex, int start)
    {
        if (line.IsEmpty)
        {
            return;
        }

        var special = line[0] switch
        {
            (byte)'#' => true,
            (byte)'C' => line.StartsWith("CPU"u8),
            (byte)'c' => line.StartsWith("cpus="u8),
            (byte)'v' => line.StartsWith("version ="u8),
            _ => false,
        };
        if (!special && EventLineTokenizer.TryParse(line, out var parsed))
        {
            if (builder.TryBuild(line, parsed, out block.NextSlot(), out _, out _))
            {
                block.Commit(parsed.RawTimestamp);
                return;
            }
        }
        else if (!special && line.IndexOfAnyExcept(" \t"u8) < 0)
        {
            return;
        }

        block.Deferred.Add(new DeferredLine(block.EventCount, lineIndex, start, line.Length, TooLong: false));
    }
}
