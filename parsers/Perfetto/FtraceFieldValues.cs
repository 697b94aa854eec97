using System.Globalization;
using System.Text;
using BinderTrace.Events;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// The decoded fields of one ftrace event, by kernel field name, reused from event to event. Typed protos,
/// legacy generic events and dense generic events all fill it, so one mapping (<see cref="NamedFieldEvents"/>)
/// types them all, and an event it does not type is printed from it as "name=value …".
/// </summary>
internal sealed class FtraceFieldValues : INamedFieldValues
{
    private Field[] _fields = new Field[16];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void AddInteger(string name, long value) => Add(new Field(name, value, null));

    public void AddString(string name, string value) => Add(new Field(name, 0, value));

    public bool TryGetInteger(string fieldName, out long value)
    {
        for (var i = 0; i < Count; i++)
        {
            ref var field = ref _fields[i];
            if (field.Text is null && string.Equals(field.Name, fieldName, StringComparison.Ordinal))
            {
                value = field.Integer;
                return true;
            }
        }

        value = 0;
        return false;
    }

    public bool TryGetString(string fieldName, out string? value)
    {
        for (var i = 0; i < Count; i++)
        {
            ref var field = ref _fields[i];
            if (field.Text is not null && string.Equals(field.Name, fieldName, StringComparison.Ordinal))
            {
                value = field.Text;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The payload of an event kept as generic: "name=value" pairs in field order.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Count; i++)
        {
            ref var field = ref _fields[i];
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(field.Name).Append('=');
            if (field.Text is not null)
            {
                text.Append(field.Text);
            }
            else
            {
                text.Append(field.Integer.ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private void Add(in Field field)
    {
        if (Count == _fields.Length)
        {
            Array.Resize(ref _fields, Count * 2);
        }

        _fields[Count++] = field;
    }

    private readonly record struct Field(string Name, long Integer, string? Text);
}
