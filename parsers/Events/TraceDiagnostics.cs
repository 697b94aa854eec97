namespace BinderTrace.Events;

/// <summary>One line the reader could not use, kept as evidence in reports (only the first few are kept).</summary>
public readonly record struct SkippedLine(long LineNumber, long ByteOffset, string Reason, string Text);

/// <summary>
/// Data-quality counters for one trace (modelled on Perfetto's stats table): everything the reader skipped,
/// repaired or could not know. Reports show them; gates refuse to pass on them unless configured to.
/// </summary>
public sealed class TraceDiagnostics
{
    public const int MaxSkippedSamples = 10;

    private readonly List<SkippedLine> _skippedSamples = [];
    private readonly SortedDictionary<int, long> _lostEventsPerCpu = [];

    public long LinesRead { get; set; }

    public long BytesRead { get; set; }

    public long EventsRead { get; set; }

    /// <summary>Lines that were neither events, comments nor known special lines.</summary>
    public long UnparsedLines { get; private set; }

    public IReadOnlyList<SkippedLine> SkippedSamples => _skippedSamples;

    /// <summary>Typed events whose payload did not match the expected fields; they were kept as generic events.</summary>
    public long MalformedPayloads { get; set; }

    /// <summary>Lost-event markers seen (<c>CPU:N [LOST M EVENTS]</c> and trace-cmd's EVENTS DROPPED).</summary>
    public long LostEventMarkers { get; set; }

    /// <summary>Markers that did not say how many events were lost.</summary>
    public long LostEventMarkersWithoutCount { get; set; }

    /// <summary>
    /// Sum of the counts stated in lost-event markers, saturating at <see cref="long.MaxValue"/> (a damaged marker
    /// may claim 2^63-1). A lower bound when <see cref="LostEventMarkersWithoutCount"/> is not 0.
    /// </summary>
    public long LostEvents => _lostEventsPerCpu.Values.Aggregate(0L, SaturatingAdd);

    /// <summary>False when some marker did not say how many events were lost: the loss is of unknown size.</summary>
    public bool LostEventCountKnown => LostEventMarkersWithoutCount == 0;

    public IReadOnlyDictionary<int, long> LostEventsPerCpu => _lostEventsPerCpu;

    /// <summary>Events that arrived before an earlier-printed event's timestamp and were moved into order.</summary>
    public long ReorderedEvents { get; set; }

    /// <summary>Events so late that the bounded reorder window had already passed them; emitted at their arrival position.</summary>
    public long LateEvents { get; set; }

    /// <summary>Bytes of binary trace data (damaged pages or chunks, data cut off by the end of the file) that could not be decoded.</summary>
    public long LostDataBytes { get; set; }

    /// <summary>True when the input ended inside a line (no final newline) or inside a compressed stream.</summary>
    public bool Truncated { get; set; }

    /// <summary>What was damaged in the input's container (e.g. a gzip CRC), when reading stopped at damage rather than a cut; <see cref="Truncated"/> is then set too.</summary>
    public string? InputDamage { get; set; }

    public void AddLostEvents(int cpu, long count)
    {
        LostEventMarkers++;
        if (count < 0)
        {
            LostEventMarkersWithoutCount++;
            return;
        }

        _lostEventsPerCpu[cpu] = SaturatingAdd(_lostEventsPerCpu.GetValueOrDefault(cpu), count);
    }

    public void AddUnparsedLine(long lineNumber, long byteOffset, string reason, string text)
    {
        UnparsedLines++;
        if (_skippedSamples.Count < MaxSkippedSamples)
        {
            _skippedSamples.Add(new SkippedLine(lineNumber, byteOffset, reason, text.Length > 200 ? text[..200] : text));
        }
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>True when nothing was skipped, lost, reordered late or cut off.</summary>
    public bool IsClean => UnparsedLines == 0 && MalformedPayloads == 0 && LostEventMarkers == 0 && LateEvents == 0 && !Truncated;
}
