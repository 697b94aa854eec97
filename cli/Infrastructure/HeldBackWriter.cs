using System.Text;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// Holds back what a table command writes until the table has a row (a header line and one more) or the command has
/// succeeded (<see cref="Release"/>), so that a pass that fails before any row (a focus that matches nothing, an unknown
/// <c>--proc</c>) prints nothing but the error; from the first row on, rows stream through.
/// </summary>
internal sealed class HeldBackWriter(TextWriter inner) : TextWriter
{
    private StringBuilder? _held = new();
    private int _lines;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Writes what was held back and lets everything after it through.</summary>
    public void Release()
    {
        if (_held is not null)
        {
            inner.Write(_held.ToString());
            _held = null;
        }
    }

    public override void Write(char value) => Write([value]);

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (_held is null)
        {
            inner.Write(buffer);
            return;
        }

        _held.Append(buffer);
        _lines += buffer.Count('\n');
        if (_lines >= 2)
        {
            Release();
        }
    }

    public override void Flush()
    {
        if (_held is null)
        {
            inner.Flush();
        }
    }
}
