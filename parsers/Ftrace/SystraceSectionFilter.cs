namespace BinderTrace.Parsers;

/// <summary>
/// Picks the ftrace text out of a systrace HTML file (CAT <c>output_generator.py</c>, FORMATS.md §1.7): the
/// data sits verbatim between a <c>&lt;script class="trace-data" …&gt;</c> line and <c>&lt;/script&gt;</c>.
/// A section is ftrace when its first non-blank line is a '#' header or an event line (as PF decides), and
/// never when it opens as JSON; other sections (Chrome JSON, process dumps) and the viewer page around them
/// are passed over.
/// </summary>
internal sealed class SystraceSectionFilter
{
    private State _state;

    private enum State
    {
        Outside,
        SectionStart,
        Ftrace,
        OtherData,
    }

    public bool InFtraceSection => _state == State.Ftrace;

    /// <summary>True when <paramref name="line"/> (possibly shortened to the part before <c>&lt;/script&gt;</c>) is ftrace text.</summary>
    public bool TakeFtraceLine(ref ReadOnlySpan<byte> line)
    {
        if (_state == State.Outside)
        {
            if (line.IndexOf("<script class=\"trace-data\""u8) >= 0)
            {
                _state = State.SectionStart;
            }

            return false;
        }

        var state = _state;
        var close = line.IndexOf("</script>"u8);
        if (close >= 0)
        {
            line = line[..close];
            _state = State.Outside;
        }

        if (state == State.SectionStart)
        {
            var content = line.TrimStart(" \t"u8);
            if (content.IsEmpty)
            {
                return false;
            }

            state = content[0] == (byte)'#' || (content[0] is not ((byte)'{' or (byte)'[') && EventLineTokenizer.TryParse(line, out _))
                ? State.Ftrace
                : State.OtherData;
            if (close < 0)
            {
                _state = state;
            }
        }

        return state == State.Ftrace && !line.TrimStart(" \t"u8).IsEmpty;
    }
}
