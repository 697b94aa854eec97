namespace BinderTrace.Export.Tables;

/// <summary>
/// The trace whose rows are being written: every table ends with <c>source</c> and <c>kernel</c> columns read
/// from here, except the keys a Hive-partitioned export moves into folder names.
/// </summary>
internal sealed class TraceLabels
{
    public string Source { get; set; } = "";

    public string Kernel { get; set; } = "";

    /// <summary>Appends the label columns the export layout keeps inside the files.</summary>
    public TableDefinition<TRow> AddColumns<TRow>(TableDefinition<TRow> table, bool includeSource, bool includeKernel)
    {
        if (includeSource)
        {
            table.Label("source", () => Source);
        }

        if (includeKernel)
        {
            table.Label("kernel", () => Kernel);
        }

        return table;
    }
}
