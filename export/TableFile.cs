using System.Globalization;
using BinderTrace.Events;
using BinderTrace.Export.Parquet;
using BinderTrace.Export.Tables;

namespace BinderTrace.Export;

/// <summary>
/// One Parquet file of one table being written: the table writer over an <see cref="AtomicFile"/>, plus the
/// per-trace facts that end up in the footer's key/value metadata.
/// </summary>
internal sealed class TableFile<TRow> : ITableFile
{
    private readonly AtomicFile _file;
    private readonly ParquetTableWriter<TRow> _writer;
    private readonly List<TraceFacts> _traces = [];

    public TableFile(string path, TableDefinition<TRow> table, ParquetWriterOptions options)
    {
        _file = AtomicFile.Create(path);
        _writer = new ParquetTableWriter<TRow>(table, _file.Stream, options);
    }

    public string Table => _writer.Table.Name;

    public string Path => _file.FinalPath;

    public long Rows => _writer.RowCount;

    public void Append(in TRow row) => _writer.Append(in row);

    public void Append(ReadOnlySpan<TRow> rows) => _writer.Append(rows);

    /// <summary>Ends the rows of one trace: their label columns are read now, before the labels move on to the next trace.</summary>
    public void AddTrace(TraceFacts trace)
    {
        _writer.AppendPending();
        _traces.Add(trace);
    }

    public ExportedFile Commit(string toolVersion)
    {
        _writer.AddKeyValue("bindertrace.version", toolVersion);
        _writer.AddKeyValue("bindertrace.table", Table);
        // A file holds several traces only in an unpartitioned export; the values then list them in order.
        _writer.AddKeyValue("bindertrace.source", Join(t => t.Source));
        _writer.AddKeyValue("bindertrace.format", Join(t => t.Format));
        _writer.AddKeyValue("bindertrace.kernel", Join(t => t.Kernel));
        _writer.AddKeyValue("bindertrace.fingerprint", Join(t => t.Fingerprint ?? ""));
        _writer.AddKeyValue("bindertrace.sha256", Join(t => t.Sha256 ?? ""));
        _writer.AddKeyValue("bindertrace.data_quality", Join(t => t.DataQualityText));
        _writer.Complete();
        var bytes = _file.Stream.Position;
        _file.Commit();
        return new ExportedFile(Table, Path, Rows, bytes);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }

    private string Join(Func<TraceFacts, string> value) => string.Join('\n', _traces.Select(value));
}

/// <summary>The table-independent face of <see cref="TableFile{TRow}"/>.</summary>
internal interface ITableFile : IDisposable
{
    void AddTrace(TraceFacts trace);

    ExportedFile Commit(string toolVersion);
}

/// <summary>
/// What the footer records about one exported trace. <see cref="Fingerprint"/> is the allocator design the
/// analysis recognised (null when no analysis ran); <see cref="Sha256"/> identifies the input file (null for stdin).
/// </summary>
internal sealed record TraceFacts(string Source, string Format, string Kernel, string? Fingerprint, string? Sha256)
{
    /// <summary>The trace's data-quality table (the reader's counters, and the analysis' when it ran).</summary>
    public DataQualityTable? DataQuality { get; init; }

    /// <summary>The table in the footer: <c>name=value (severity)</c> per non-zero counter, comma-separated; empty when clean.</summary>
    public string DataQualityText => DataQuality is null
        ? ""
        : string.Join(", ", DataQuality.Entries.Select(e => $"{e.Counter.Name}={e.Value.ToString(CultureInfo.InvariantCulture)} ({DataQualityTable.SeverityName(e.Counter.Severity)})"));
}
