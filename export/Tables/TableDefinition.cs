using BinderTrace.Export.Parquet;

namespace BinderTrace.Export.Tables;

/// <summary>Reads one column's value from a row.</summary>
internal delegate T ColumnValue<TRow, out T>(in TRow row);

/// <summary>Reads one nullable column's value from a row; false means null.</summary>
internal delegate bool OptionalColumnValue<TRow, T>(in TRow row, out T value);

/// <summary>Sorts a row into one of a table's row classes (for the events table: its event kind).</summary>
internal delegate int RowClass<TRow>(in TRow row);

/// <summary>
/// A table declared once: its name and, per column, the Parquet name and type and how to read the value from
/// a row. <see cref="TableWriter{TRow}"/> streams rows of this shape into a file.
/// <para>
/// A wide sparse table (one row per event, most fields null for most kinds) can sort rows into classes and
/// declare, per optional column, the classes it is present in (<c>presentIn</c>). The writer then never calls
/// the getters of columns a row's class does not have and writes their nulls directly, which keeps the cost
/// per row proportional to the fields the row really has.
/// </para>
/// </summary>
internal sealed class TableDefinition<TRow>
{
    private readonly List<ParquetColumn> _columns = [];
    private readonly List<Func<ParquetColumn, ColumnBinding<TRow>>> _bindings = [];
    private readonly List<bool[]?> _presence = [];

    /// <summary>Per declared column, the getter of a timestamp column (null for other columns): its µs companion reads it.</summary>
    private readonly List<Func<ParquetColumn, ColumnBinding<TRow>>?> _microsBindings = [];

    /// <summary>The timestamp options of the <see cref="Bind"/> in progress.</summary>
    private ParquetWriterOptions _options = ParquetWriterOptions.Default;

    public TableDefinition(string name)
        : this(name, null, 1)
    {
    }

    public TableDefinition(string name, RowClass<TRow>? rowClass, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        Name = name;
        RowClassOf = rowClass;
        ClassCount = classCount;
    }

    public string Name { get; }

    /// <summary>Null when the table has a single row class.</summary>
    public RowClass<TRow>? RowClassOf { get; }

    public int ClassCount { get; }

    public TableDefinition<TRow> Int32(string name, ColumnValue<TRow, int> value, bool dictionary = false) => Fixed(name, ColumnType.Int32, value, null, dictionary);

    /// <summary>An optional column that holds <paramref name="value"/> for rows of the classes in <paramref name="presentIn"/> and null elsewhere.</summary>
    public TableDefinition<TRow> Int32(string name, ColumnValue<TRow, int> value, int[] presentIn, bool dictionary = false) => Fixed(name, ColumnType.Int32, value, presentIn, dictionary);

    public TableDefinition<TRow> Int32(string name, OptionalColumnValue<TRow, int> value, int[]? presentIn = null, bool dictionary = false) =>
        Fixed(name, ColumnType.Int32, value, presentIn, dictionary);

    public TableDefinition<TRow> Int64(string name, ColumnValue<TRow, long> value, bool dictionary = false) => Fixed(name, ColumnType.Int64, value, null, dictionary);

    public TableDefinition<TRow> Int64(string name, ColumnValue<TRow, long> value, int[] presentIn, bool dictionary = false) => Fixed(name, ColumnType.Int64, value, presentIn, dictionary);

    public TableDefinition<TRow> Int64(string name, OptionalColumnValue<TRow, long> value, int[]? presentIn = null, bool dictionary = false) =>
        Fixed(name, ColumnType.Int64, value, presentIn, dictionary);

    public TableDefinition<TRow> UInt32(string name, ColumnValue<TRow, uint> value, bool dictionary = false) => Fixed(name, ColumnType.UInt32, value, null, dictionary);

    public TableDefinition<TRow> UInt32(string name, ColumnValue<TRow, uint> value, int[] presentIn, bool dictionary = false) => Fixed(name, ColumnType.UInt32, value, presentIn, dictionary);

    public TableDefinition<TRow> UInt64(string name, ColumnValue<TRow, ulong> value, bool dictionary = false) => Fixed(name, ColumnType.UInt64, value, null, dictionary);

    public TableDefinition<TRow> UInt64(string name, ColumnValue<TRow, ulong> value, int[] presentIn, bool dictionary = false) => Fixed(name, ColumnType.UInt64, value, presentIn, dictionary);

    public TableDefinition<TRow> UInt64(string name, OptionalColumnValue<TRow, ulong> value, int[]? presentIn = null, bool dictionary = false) =>
        Fixed(name, ColumnType.UInt64, value, presentIn, dictionary);

    public TableDefinition<TRow> Double(string name, ColumnValue<TRow, double> value) => Fixed(name, ColumnType.Double, value, null);

    public TableDefinition<TRow> Double(string name, OptionalColumnValue<TRow, double> value) => Fixed(name, ColumnType.Double, value, null);

    /// <summary>
    /// Nanoseconds on the trace clock, written as TIMESTAMP(NANOS, isAdjustedToUTC=false), PLAIN or DELTA_BINARY_PACKED
    /// (<see cref="ParquetWriterOptions.DeltaTimestamps"/>); with <see cref="TimestampColumns.MicrosWithNanos"/> a plain
    /// INT64 followed by its TIMESTAMP(MICROS) column (<see cref="MicrosName"/>).
    /// </summary>
    public TableDefinition<TRow> Timestamp(string name, ColumnValue<TRow, long> value)
    {
        ColumnValue<TRow, long> micros = (in TRow row) => FloorMicros(value(in row));
        return Add(
            new ParquetColumn(name, ColumnType.TimestampNanos, Optional: false),
            c => new RequiredBinding<TRow, long>(TimestampBuffer(c), value),
            null,
            c => new RequiredBinding<TRow, long>(TimestampBuffer(c), micros));
    }

    public TableDefinition<TRow> Timestamp(string name, OptionalColumnValue<TRow, long> value)
    {
        OptionalColumnValue<TRow, long> micros = (in TRow row, out long v) =>
        {
            var present = value(in row, out var ns);
            v = FloorMicros(ns);
            return present;
        };
        return Add(
            new ParquetColumn(name, ColumnType.TimestampNanos, Optional: true),
            c => new OptionalBinding<TRow, long>(TimestampBuffer(c), value),
            null,
            c => new OptionalBinding<TRow, long>(TimestampBuffer(c), micros));
    }

    /// <summary>The name of a timestamp column's TIMESTAMP(MICROS) companion: <c>start_ns</c> → <c>start_us</c>.</summary>
    public static string MicrosName(string name) => (name.EndsWith("_ns", StringComparison.Ordinal) ? name[..^3] : name) + "_us";

    public TableDefinition<TRow> Boolean(string name, ColumnValue<TRow, bool> value) =>
        Add(new ParquetColumn(name, ColumnType.Boolean, Optional: false), c => new RequiredBinding<TRow, bool>(new BooleanColumnBuffer(c), value), null);

    public TableDefinition<TRow> Boolean(string name, ColumnValue<TRow, bool> value, int[] presentIn) =>
        Add(new ParquetColumn(name, ColumnType.Boolean, Optional: true), c => new RequiredBinding<TRow, bool>(new BooleanColumnBuffer(c), value), presentIn);

    public TableDefinition<TRow> Boolean(string name, OptionalColumnValue<TRow, bool> value) =>
        Add(new ParquetColumn(name, ColumnType.Boolean, Optional: true), c => new OptionalBinding<TRow, bool>(new BooleanColumnBuffer(c), value), null);

    /// <summary>A string column; when <paramref name="optional"/> (or given <paramref name="presentIn"/>), a null from
    /// <paramref name="value"/> is a null cell. <paramref name="dictionary"/> suits low-cardinality text (names, comms, modes).</summary>
    public TableDefinition<TRow> String(string name, ColumnValue<TRow, string?> value, bool optional = false, bool dictionary = false, int[]? presentIn = null) =>
        Add(new ParquetColumn(name, ColumnType.String, optional || presentIn is not null, dictionary), c => new StringBinding<TRow>(new StringColumnBuffer(c), value), presentIn);

    /// <summary>
    /// A required dictionary-encoded string column whose value does not depend on the row but on the state of the writer's
    /// caller (<see cref="TraceLabels"/>): <paramref name="value"/> is read once per chunk of rows appended.
    /// </summary>
    public TableDefinition<TRow> Label(string name, Func<string> value) =>
        Add(new ParquetColumn(name, ColumnType.String, Optional: false, Dictionary: true), c => new LabelBinding<TRow>(new StringColumnBuffer(c), value), null);

    /// <summary>
    /// Fresh buffers bound to the getters, one per column of the file's schema in order (a timestamp column may
    /// bring its µs companion, <see cref="ParquetWriterOptions.Timestamps"/>), each with the row classes it can hold
    /// a value in (null: every row).
    /// </summary>
    internal (ColumnBinding<TRow>[] Bindings, IReadOnlyList<bool>?[] Presence) Bind(ParquetWriterOptions options)
    {
        _options = options;
        var bindings = new List<ColumnBinding<TRow>>(_columns.Count);
        var presence = new List<IReadOnlyList<bool>?>(_columns.Count);
        for (var i = 0; i < _columns.Count; i++)
        {
            var column = _columns[i];
            var micros = _microsBindings[i];
            if (micros is null || options.Timestamps == TimestampColumns.Nanos)
            {
                bindings.Add(_bindings[i](column));
                presence.Add(_presence[i]);
                continue;
            }

            bindings.Add(_bindings[i](column with { Type = ColumnType.Int64 }));
            presence.Add(_presence[i]);
            bindings.Add(micros(column with { Name = MicrosName(column.Name), Type = ColumnType.TimestampMicros }));
            presence.Add(_presence[i]);
        }

        return (bindings.ToArray(), presence.ToArray());
    }

    /// <summary>The names a declared column may take in a file: a timestamp's µs companion is reserved too.</summary>
    private static string[] NamesOf(ParquetColumn column) =>
        column.Type == ColumnType.TimestampNanos ? [column.Name, MicrosName(column.Name)] : [column.Name];

    /// <summary>Floor, not truncation toward zero, so a time before the clock's zero stays in its own microsecond.</summary>
    private static long FloorMicros(long ns) => ns >= 0 ? ns / 1000 : ((ns + 1) / 1000) - 1;

    private ValueColumnBuffer<long> TimestampBuffer(ParquetColumn column) =>
        _options.DeltaTimestamps ? new DeltaColumnBuffer(column) : new FixedWidthColumnBuffer<long>(column);

    private static ValueColumnBuffer<T> FixedBuffer<T>(ParquetColumn column)
        where T : unmanaged =>
        column.Dictionary ? new DictionaryColumnBuffer<T>(column) : new FixedWidthColumnBuffer<T>(column);

    private TableDefinition<TRow> Fixed<T>(string name, ColumnType type, ColumnValue<TRow, T> value, int[]? presentIn, bool dictionary = false)
        where T : unmanaged =>
        Add(new ParquetColumn(name, type, Optional: presentIn is not null, dictionary), c => new RequiredBinding<TRow, T>(FixedBuffer<T>(c), value), presentIn);

    private TableDefinition<TRow> Fixed<T>(string name, ColumnType type, OptionalColumnValue<TRow, T> value, int[]? presentIn, bool dictionary = false)
        where T : unmanaged =>
        Add(new ParquetColumn(name, type, Optional: true, dictionary), c => new OptionalBinding<TRow, T>(FixedBuffer<T>(c), value), presentIn);

    private TableDefinition<TRow> Add(
        ParquetColumn column, Func<ParquetColumn, ColumnBinding<TRow>> bind, int[]? presentIn, Func<ParquetColumn, ColumnBinding<TRow>>? bindMicros = null)
    {
        if (_columns.Exists(c => NamesOf(c).Intersect(NamesOf(column)).Any()))
        {
            throw new ArgumentException($"Table '{Name}' already has a column '{column.Name}'.", nameof(column));
        }

        bool[]? presence = null;
        if (presentIn is not null)
        {
            presence = new bool[ClassCount];
            foreach (var rowClass in presentIn)
            {
                presence[rowClass] = true;
            }
        }

        _columns.Add(column);
        _bindings.Add(bind);
        _presence.Add(presence);
        _microsBindings.Add(bindMicros);
        return this;
    }
}
