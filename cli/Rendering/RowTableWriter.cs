using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BinderTrace.Cli.Rendering;

internal enum TableFormat
{
    /// <summary>Fixed-width columns for reading in a terminal.</summary>
    Text,

    /// <summary>RFC 4180 CSV with a header line.</summary>
    Csv,

    /// <summary>One JSON array of objects keyed by column name.</summary>
    Json,
}

/// <summary>A column of a detailed table; <see cref="Width"/> is used by the text format only.</summary>
internal readonly record struct TableColumn(string Name, int Width, bool Numeric);

/// <summary>
/// Streams the rows of a detailed table (<c>pages</c>, <c>locks</c>) as text, CSV or JSON: each row is written
/// as soon as it is complete, so a table of millions of rows never sits in memory. Values are written in column
/// order with <see cref="Add(long)"/>, <see cref="Add(string)"/> or <see cref="Add(bool)"/>, then <see cref="EndRow"/>.
/// Numbers are culture-invariant in every format.
/// </summary>
internal sealed class RowTableWriter : IDisposable
{
    private const int JsonFlushBytes = 1 << 16;

    private readonly TextWriter _output;
    private readonly TableFormat _format;
    private readonly IReadOnlyList<TableColumn> _columns;
    private readonly StringBuilder _line = new();
    private readonly ArrayBufferWriter<byte>? _jsonBuffer;
    private readonly Utf8JsonWriter? _json;
    private int _column;
    private bool _completed;

    public RowTableWriter(TextWriter output, TableFormat format, IReadOnlyList<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columns);
        _output = output;
        _format = format;
        _columns = columns;
        switch (format)
        {
            case TableFormat.Json:
                _jsonBuffer = new ArrayBufferWriter<byte>();
                _json = new Utf8JsonWriter(_jsonBuffer, new JsonWriterOptions { Indented = false });
                _json.WriteStartArray();
                break;
            case TableFormat.Csv:
                output.WriteLine(string.Join(',', columns.Select(c => c.Name)));
                break;
            default:
                foreach (var column in columns)
                {
                    Cell(column.Name, column);
                }

                output.WriteLine(_line.ToString().TrimEnd());
                _line.Clear();
                break;
        }
    }

    public void Add(long value)
    {
        var column = Next();
        if (_json is not null)
        {
            _json.WriteNumber(column.Name, value);
            return;
        }

        Cell(value.ToString(CultureInfo.InvariantCulture), column);
    }

    public void Add(bool value)
    {
        var column = Next();
        if (_json is not null)
        {
            _json.WriteBoolean(column.Name, value);
            return;
        }

        Cell(value ? "true" : "false", column);
    }

    public void Add(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var column = Next();
        if (_json is not null)
        {
            _json.WriteString(column.Name, value);
            return;
        }

        Cell(_format == TableFormat.Csv ? CsvField(value) : value, column);
    }

    public void EndRow()
    {
        if (_column != _columns.Count)
        {
            throw new InvalidOperationException($"row has {_column} values, the table {_columns.Count} columns");
        }

        _column = 0;
        if (_json is not null)
        {
            _json.WriteEndObject();
            if (_json.BytesPending + _jsonBuffer!.WrittenCount >= JsonFlushBytes)
            {
                FlushJson();
            }

            return;
        }

        _output.WriteLine(_format == TableFormat.Csv ? _line.ToString() : _line.ToString().TrimEnd());
        _line.Clear();
    }

    /// <summary>Ends the table (closes the JSON array) and flushes. Called by <see cref="Dispose"/> too.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_json is not null)
        {
            _json.WriteEndArray();
            FlushJson();
            _output.WriteLine();
        }

        _output.Flush();
    }

    public void Dispose()
    {
        Complete();
        _json?.Dispose();
    }

    private TableColumn Next()
    {
        if (_column >= _columns.Count)
        {
            throw new InvalidOperationException($"row has more values than the table's {_columns.Count} columns");
        }

        var column = _columns[_column++];
        if (_json is not null && _column == 1)
        {
            _json.WriteStartObject();
        }

        return column;
    }

    private void Cell(string text, TableColumn column)
    {
        if (_format == TableFormat.Csv)
        {
            if (_line.Length > 0 || _column > 1)
            {
                _line.Append(',');
            }

            _line.Append(text);
            return;
        }

        if (_line.Length > 0)
        {
            _line.Append(' ');
        }

        _line.Append(column.Numeric ? text.PadLeft(column.Width) : text.PadRight(column.Width));
    }

    private void FlushJson()
    {
        _json!.Flush();
        _output.Write(Encoding.UTF8.GetString(_jsonBuffer!.WrittenSpan));
        _jsonBuffer.Clear();
    }

    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
