namespace BinderTrace.Pictures.Timeline;

/// <summary>
/// How much of a timeline is drawn slice by slice: the first <see cref="ExactSlices"/> slices the analysis closes (the
/// trace's beginning) exactly, every later one merged per track into one aggregate per <see cref="BinNs"/> of trace
/// time. The defaults keep the JSON of a long trace openable in Perfetto UI (a few hundred MB at most) and every
/// shared capture exact.
/// </summary>
public sealed record TimelineBudget(long ExactSlices = TimelineBudget.DefaultExactSlices, long BinNs = TimelineBudget.DefaultBinNs)
{
    public const long DefaultExactSlices = 500_000;
    public const long DefaultBinNs = 100_000_000;
}

/// <summary>The slices of one track that end in one time bin: how many, their summed duration and span, per slice name.</summary>
internal sealed class SliceAggregate(int process, long thread, string category, long binStartNs)
{
    public int Process { get; } = process;

    public long Thread { get; } = thread;

    public string Category { get; } = category;

    public long BinStartNs { get; } = binStartNs;

    public long Count { get; private set; }

    public long TotalNs { get; private set; }

    public long FirstStartNs { get; private set; } = long.MaxValue;

    public long LastEndNs { get; private set; } = long.MinValue;

    public SortedDictionary<string, long> CountByName { get; } = new(StringComparer.Ordinal);

    public void Add(string name, long startNs, long endNs)
    {
        Count++;
        TotalNs += endNs - startNs;
        FirstStartNs = Math.Min(FirstStartNs, startNs);
        LastEndNs = Math.Max(LastEndNs, endNs);
        CountByName[name] = CountByName.GetValueOrDefault(name) + 1;
    }
}

/// <summary>
/// Merges slices per track into <see cref="SliceAggregate"/>s, one per time bin of <c>binNs</c> counted from
/// <c>originNs</c>; a slice goes to the bin its end falls in. Slices come in close order, so a track keeps one open
/// aggregate, written when a slice of a later bin arrives (a late one joins the open aggregate: counts stay exact) and at
/// <see cref="Finish"/>. Memory: one aggregate per track.
/// </summary>
internal sealed class SliceAggregates(long binNs, Action<SliceAggregate> write)
{
    private readonly Dictionary<(int Process, long Thread), SliceAggregate> _open = [];
    private long _origin = -1;

    /// <summary>Slices merged into aggregates.</summary>
    public long Slices { get; private set; }

    /// <summary>Aggregates written.</summary>
    public long Written { get; private set; }

    /// <summary>The end of the first slice merged, or -1: from there on the timeline is aggregated.</summary>
    public long FirstEndNs { get; private set; } = -1;

    public long BinNs { get; } = binNs;

    public void Add(int process, long thread, string category, string name, long originNs, long startNs, long endNs)
    {
        if (_origin < 0)
        {
            _origin = originNs;
            FirstEndNs = endNs;
        }

        var bin = _origin + ((endNs - _origin) / BinNs * BinNs);
        if (_open.TryGetValue((process, thread), out var open) && open.BinStartNs < bin)
        {
            Write(open);
            open = null;
        }

        if (open is null)
        {
            open = new SliceAggregate(process, thread, category, bin);
            _open[(process, thread)] = open;
        }

        open.Add(name, startNs, endNs);
        Slices++;
    }

    public void Finish()
    {
        foreach (var open in _open.Values.OrderBy(a => a.BinStartNs).ToList())
        {
            Write(open);
        }

        _open.Clear();
    }

    private void Write(SliceAggregate aggregate)
    {
        write(aggregate);
        Written++;
    }
}
