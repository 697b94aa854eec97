using System.Text;

namespace BinderTrace.Cli.Rendering;

/// <summary>Prose of the terminal renderers (legends, reasons, gate messages) wrapped to the terminal width.</summary>
internal static class TextWrap
{
    /// <summary>Wraps at spaces; continuation lines are indented by <paramref name="indent"/>; a word longer than a line is cut.</summary>
    public static void WriteWrapped(TextWriter output, string text, int width, int indent)
    {
        var line = new StringBuilder();
        var lineHasWord = false;
        foreach (var word in text.Split(' '))
        {
            var rest = word;
            while (true)
            {
                if (line.Length + (lineHasWord ? 1 : 0) + rest.Length <= width)
                {
                    line.Append(lineHasWord ? " " : "").Append(rest);
                    lineHasWord = true;
                    break;
                }

                if (!lineHasWord)
                {
                    var take = width - line.Length;
                    output.WriteLine(line.Append(rest.AsSpan(0, take)).ToString());
                    rest = rest[take..];
                }
                else
                {
                    output.WriteLine(line.ToString());
                }

                line.Clear().Append(' ', indent);
                lineHasWord = false;
            }
        }

        if (lineHasWord)
        {
            output.WriteLine(line.ToString());
        }
    }
}
