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
        while (start < text.Length)
        {
            var length = text[start..].IndexOf((byte)'\n');
            if (length > maxLineBytes)
            {
                block.Deferred.Add(new DeferredLine(block.EventCount, lineIndex, start, 0, TooLong: true));
            }
            else
            {
                var line = text.Slice(start, length > 0 && text[start + length - 1] == (byte)'\r' ? length - 1 : length);
                ParseLine(block, line, lineIndex, start);
            }

            start += length + 1;
            lineIndex++;
        }

        block.LineCount = lineIndex;
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
