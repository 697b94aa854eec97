using System.Globalization;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>How a field's bytes hold its value (from the declaration in the format text).</summary>
internal enum FieldEncoding : byte
{
    /// <summary>An integer, bool, enum or pointer of 1, 2, 4 or 8 bytes.</summary>
    Scalar,
    /// <summary>A fixed array (<c>char comm[16]</c>, <c>u8 addr[4]</c>).</summary>
    FixedArray,
    /// <summary><c>__data_loc</c>: a u32 (or, very old, u16) locating the data from the record start.</summary>
    DataLoc,
    /// <summary><c>__rel_loc</c>: a u32 locating the data from the end of the field.</summary>
    RelLoc,
    /// <summary><c>char buf[]</c> with size 0: the rest of the record.</summary>
    RestOfRecord,
}

/// <summary>One field of an event's <c>format</c> description (offsets from the start of the record data).</summary>
internal sealed record FieldLayout(string Name, string Type, int Offset, int Size, bool Signed, FieldEncoding Encoding)
{
    /// <summary>True for <c>char</c> arrays and dynamic char arrays: printed as text.</summary>
    public bool IsText { get; init; }

    public bool IsPointer => Type.Contains('*', StringComparison.Ordinal);
}

/// <summary>An event's layout as the kernel described it in its <c>format</c> file.</summary>
internal sealed class EventFormat
{
    private readonly Dictionary<string, FieldLayout> _byName;

    public EventFormat(string system, string name, int id, IReadOnlyList<FieldLayout> commonFields, IReadOnlyList<FieldLayout> fields)
    {
        System = system;
        Name = name;
        Id = id;
        CommonFields = commonFields;
        Fields = fields;
        _byName = new Dictionary<string, FieldLayout>(StringComparer.Ordinal);
        foreach (var field in commonFields.Concat(fields))
        {
            _byName.TryAdd(field.Name, field);
        }

        CommonPid = Find("common_pid");
    }

    public string System { get; }

    public string Name { get; }

    public int Id { get; }

    public IReadOnlyList<FieldLayout> CommonFields { get; }

    /// <summary>The event's own fields, in order (what a generic payload prints).</summary>
    public IReadOnlyList<FieldLayout> Fields { get; }

    public FieldLayout? CommonPid { get; }

    /// <summary>
    /// Field names are interned when parsed, so a lookup by a string literal (as the typed-event mapper makes, several
    /// per record) usually matches by reference in a short scan before any hashing.
    /// </summary>
    public FieldLayout? Find(string name)
    {
        foreach (var field in Fields)
        {
            if (ReferenceEquals(field.Name, name))
            {
                return field;
            }
        }

        return _byName.GetValueOrDefault(name);
    }
}

/// <summary>
/// Parses the kernel's event <c>format</c> text (and <c>header_page</c>, which has the same field lines):
/// <c>name:</c>, <c>ID:</c>, then <c>field:TYPE NAME; offset:N; size:N; signed:N;</c> lines, common fields
/// before the first blank line (FORMATS.md §2.5). Fields are found by name, never by position.
/// </summary>
internal static class EventFormatParser
{
    /// <summary>Null <paramref name="problem"/> on success.</summary>
    public static EventFormat? Parse(string system, string text, out string? problem)
    {
        string? name = null;
        int? id = null;
        var common = new List<FieldLayout>();
        var fields = new List<FieldLayout>();
        var inFormat = false;
        var afterBlank = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("name:", StringComparison.Ordinal))
            {
                name = line[5..].Trim();
            }
            else if (line.StartsWith("ID:", StringComparison.Ordinal))
            {
                if (!int.TryParse(line[3..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    problem = $"bad ID line '{line}'";
                    return null;
                }

                id = value;
            }
            else if (line.StartsWith("format:", StringComparison.Ordinal))
            {
                inFormat = true;
            }
            else if (line.Length == 0)
            {
                afterBlank |= inFormat && common.Count > 0;
            }
            else if (line.StartsWith("field:", StringComparison.Ordinal))
            {
                var field = ParseField(line, out problem);
                if (field is null)
                {
                    return null;
                }

                (afterBlank || !field.Name.StartsWith("common_", StringComparison.Ordinal) ? fields : common).Add(field);
            }
            else if (line.StartsWith("print fmt:", StringComparison.Ordinal))
            {
                break;
            }
        }

        if (name is null || id is null)
        {
            problem = name is null ? "no 'name:' line" : $"event {name} has no 'ID:' line";
            return null;
        }

        problem = null;
        return new EventFormat(system, name, id.Value, common, fields);
    }

    /// <summary>A <c>field:</c> line: <c>field:TYPE NAME[N]; offset:N; size:N; signed:N;</c> (signed may be absent).</summary>
    public static FieldLayout? ParseField(string line, out string? problem)
    {
        var parts = line.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? declaration = null;
        int? offset = null, size = null;
        var signed = false;
        foreach (var part in parts)
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = part[..colon].Trim();
            var value = part[(colon + 1)..].Trim();
            switch (key)
            {
                case "field":
                    declaration = value;
                    break;
                case "offset":
                    offset = ParseInt(value);
                    break;
                case "size":
                    size = ParseInt(value);
                    break;
                case "signed":
                    signed = ParseInt(value) == 1;
                    break;
            }
        }

        if (declaration is null || offset is not >= 0 || size is not >= 0)
        {
            problem = $"unparsable field line '{line}'";
            return null;
        }

        var lastSpace = declaration.LastIndexOf(' ');
        if (lastSpace <= 0)
        {
            problem = $"field declaration without a type '{declaration}'";
            return null;
        }

        var type = declaration[..lastSpace].Trim();
        var name = declaration[(lastSpace + 1)..];
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        var fixedArray = bracket >= 0;
        if (fixedArray)
        {
            name = name[..bracket];
        }

        var isChar = type.EndsWith("char", StringComparison.Ordinal) || type.EndsWith("char[]", StringComparison.Ordinal);
        // A field of another size that is not declared as an array (a struct, header_page's "char data") is kept as bytes.
        var encoding = type.StartsWith("__data_loc", StringComparison.Ordinal) ? FieldEncoding.DataLoc
            : type.StartsWith("__rel_loc", StringComparison.Ordinal) ? FieldEncoding.RelLoc
            : fixedArray && size == 0 ? FieldEncoding.RestOfRecord
            : fixedArray || size is not (1 or 2 or 4 or 8) ? FieldEncoding.FixedArray
            : FieldEncoding.Scalar;

        problem = null;
        return new FieldLayout(string.Intern(name), type, offset.Value, size.Value, signed, encoding) { IsText = isChar && encoding != FieldEncoding.Scalar };
    }

    private static int? ParseInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
