using System.Runtime.ExceptionServices;
using BinderTrace.Events;
using BinderTrace.Parsers.Input;
using Microsoft.Win32.SafeHandles;

namespace BinderTrace.Parsers.TraceDat;

/// <summary>
/// trace-cmd's <c>trace.dat</c> (versions 6 and 7; zstd, zlib or uncompressed) as the same typed event stream
/// the text reader gives: each CPU's pages are decoded in turn and the CPUs merged by timestamp (one pending
/// record per CPU, so memory is one block of pages per CPU). Records are typed by event and field name through
/// <see cref="NamedFieldEvents"/>; others become generic events with a <c>name=value</c> payload. Comms come
/// from the file's cmdlines table and from sched_switch as it is read.
/// </summary>
public sealed class TraceDatSource : ITraceEventBatchSource
{
    private const string UnknownComm = "<...>";

    private readonly SafeFileHandle _file;
    private TraceEvent[]? _batch;
    private ExceptionDispatchInfo? _pendingError;
    private readonly IDisposable? _owner;
    private readonly string _sourceName;
    private readonly ParseOptions _options;
    private readonly TraceDatLayout _layout;
    private readonly BlockDecompressor? _codec;
    private readonly CpuRecordStream[] _cpus;
    private readonly PriorityQueue<int, (ulong Time, int Cpu)> _merge = new();
    private readonly RecordFields _fields;
    private readonly Dictionary<int, string> _comms;
    private readonly long _length;
    private bool _started;

    /// <summary>The CPU whose current record is next, held outside the queue; -1 when the queue decides.</summary>
    private int _head = -1;

    private TraceDatSource(SafeFileHandle file, IDisposable? owner, string sourceName, ParseOptions options, bool gzipped)
    {
        _file = file;
        _owner = owner;
        _sourceName = sourceName;
        _options = options;
        var length = RandomAccess.GetLength(file);
        _length = length;
        _layout = TraceDatFileReader.Read(ReadFile, length, sourceName);
        _codec = _layout.TopInstanceCompressed
            ? BlockDecompressor.For(_layout.Compression) ?? throw new TraceFormatException(sourceName, 0, 0, $"unknown compression algorithm '{_layout.Compression}'")
            : null;
        _fields = new RecordFields(_layout.BigEndian, new Utf8InternTable());
        _comms = new Dictionary<int, string>(_layout.Comms) { [0] = "<idle>" };
        _cpus = _layout.TopInstanceCpus
            .Select(region => new CpuRecordStream(region.Cpu,
                new CpuPageSource(ReadFile, length, region, _layout.PageSize, _layout.BigEndian, _codec, Damage),
                _layout.Page, _layout.PageSize, _layout.BigEndian, Damage))
            .ToArray();
        Info = new TraceSourceInfo
        {
            SourceName = sourceName,
            Format = TraceFormat.TraceDat,
            Compressed = gzipped || _layout.Compression != "none",
            Clock = IsCounterClock(_layout.Clock) && _layout.Tsc2Nsec is null ? TraceClockKind.Ticks : TraceClockKind.Nanoseconds,
            HeaderCpuCount = _layout.CpuCount,
            OtherInstances = _layout.OtherInstances,
        };
        Diagnostics.BytesRead = length;
    }

    public TraceSourceInfo Info { get; }

    public TraceDiagnostics Diagnostics { get; } = new();

    /// <summary>Reads <paramref name="file"/> by position; <paramref name="owner"/> (the file's stream) is disposed with the source.</summary>
    /// <param name="gzipped">The file is a spooled copy of gzip-compressed input (reported in <see cref="TraceSourceInfo.Compressed"/>).</param>
    /// <exception cref="TraceFormatException">The file's header, options or metadata sections are damaged.</exception>
    public static TraceDatSource Open(SafeFileHandle file, IDisposable? owner, string sourceName, ParseOptions options, bool gzipped = false)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return new TraceDatSource(file, owner, sourceName, options, gzipped);
        }
        catch
        {
            owner?.Dispose();
            throw;
        }
    }

    public bool TryRead(out TraceEvent traceEvent)
    {
        if (!_started)
        {
            _started = true;
            for (var i = 0; i < _cpus.Length; i++)
            {
                Advance(i);
            }
        }

        while (_head >= 0 || _merge.TryDequeue(out _head, out _))
        {
            var cpu = _cpus[_head];
            var made = cpu.IsLostEvents ? LostEvents(cpu, out traceEvent) : Event(cpu, out traceEvent);
            NextHead();
            if (made)
            {
                Diagnostics.EventsRead++;
                return true;
            }
        }

        // TryDequeue leaves 0 in _head when the queue is empty: without this, a call after the end re-read CPU 0.
        _head = -1;
        traceEvent = default;
        return false;
    }

    /// <summary>
    /// Advances the CPU just read. It stays at the head while its next record is still the earliest (records come
    /// in bursts per CPU), which saves a queue round trip per record; otherwise it goes back into the queue.
    /// </summary>
    private void NextHead()
    {
        var index = _head;
        var cpu = _cpus[index];
        if (!cpu.MoveNext())
        {
            _head = -1;
            return;
        }

        if (_merge.TryPeek(out _, out var next) && (next.Time < cpu.Time || (next.Time == cpu.Time && next.Cpu < index)))
        {
            _merge.Enqueue(index, (cpu.Time, index));
            _head = -1;
        }
    }

    /// <summary>Filled one event at a time: records are decoded in merged order, not per CPU concurrently.</summary>
    public ReadOnlySpan<TraceEvent> ReadBatch() => OneByOneBatch.Read(this, ref _batch, ref _pendingError);

    public void Dispose()
    {
        _codec?.Dispose();
        _owner?.Dispose();
    }

    private void Advance(int index)
    {
        var cpu = _cpus[index];
        if (cpu.MoveNext())
        {
            _merge.Enqueue(index, (cpu.Time, index));
        }
    }

    private bool LostEvents(CpuRecordStream cpu, out TraceEvent traceEvent)
    {
        Diagnostics.AddLostEvents(cpu.Cpu, cpu.LostCount);
        traceEvent = TraceEvent.ForLostEvents(new EventHeader(Timestamp(cpu.Time), cpu.Cpu, -1, -1, ""), cpu.LostCount);
        return true;
    }

    private bool Event(CpuRecordStream cpu, out TraceEvent traceEvent)
    {
        traceEvent = default;
        if (cpu.DataLength < 2)
        {
            Unparsed(cpu, "a record too short for its event id");
            return false;
        }

        var id = _layout.BigEndian ? (cpu.Data[cpu.DataStart] << 8) | cpu.Data[cpu.DataStart + 1] : cpu.Data[cpu.DataStart] | (cpu.Data[cpu.DataStart + 1] << 8);
        if (!_layout.FormatsById.TryGetValue(id, out var format))
        {
            Unparsed(cpu, $"event id {id} has no format in the file");
            return false;
        }

        _fields.Reset(cpu.Data, cpu.DataStart, cpu.DataLength, format);
        long pid = -1;
        if (format.CommonPid is null || !_fields.TryReadScalar(format.CommonPid, out pid))
        {
            Unparsed(cpu, $"{format.Name} record lacks common_pid");
            return false;
        }

        var header = new EventHeader(Timestamp(cpu.Time), cpu.Cpu, (int)pid, -1, _comms.GetValueOrDefault((int)pid, UnknownComm));
        if (NamedFieldEvents.TryCreate(header, format.Name, _fields, out traceEvent))
        {
            if (traceEvent.Kind == EventKind.SchedSwitch)
            {
                var sched = traceEvent.SchedSwitch;
                _comms[sched.PrevPid] = sched.PrevComm;
                _comms[sched.NextPid] = sched.NextComm;
            }

            return true;
        }

        if (EventNames.KindOf(format.Name) != EventKind.Generic)
        {
            Diagnostics.MalformedPayloads++;
            if (_options.Strict)
            {
                throw new TraceFormatException(_sourceName, 0, cpu.RecordFileOffset, $"section BUFFER (flyrecord) cpu {cpu.Cpu}: a {format.Name} record lacks the fields its format names");
            }
        }

        traceEvent = TraceEvent.ForGeneric(header, format.Name, _fields.RenderPayload());
        return true;
    }

    private void Unparsed(CpuRecordStream cpu, string reason)
    {
        var problem = $"section BUFFER (flyrecord) cpu {cpu.Cpu}: {reason}";
        if (_options.Strict)
        {
            throw new TraceFormatException(_sourceName, 0, cpu.RecordFileOffset, problem);
        }

        Diagnostics.AddUnparsedLine(0, cpu.RecordFileOffset, problem, "");
    }

    private void Damage(long fileOffset, long bytesLost, string problem, bool truncated)
    {
        if (_options.Strict)
        {
            throw new TraceFormatException(_sourceName, 0, fileOffset, problem);
        }

        Diagnostics.LostDataBytes += bytesLost;
        Diagnostics.Truncated |= truncated;
        Diagnostics.AddUnparsedLine(0, fileOffset, $"{problem} ({bytesLost} bytes lost)", "");
    }

    private long Timestamp(ulong time)
    {
        var ns = time;
        if (_layout.Tsc2Nsec is { } tsc)
        {
            // mul_u64_u32_shr: the 64×32-bit product split into halves so it cannot overflow.
            var low = ((time & 0xFFFFFFFF) * tsc.Mult) >> tsc.Shift;
            var high = tsc.Shift >= 32 ? ((time >> 32) * tsc.Mult) >> (tsc.Shift - 32) : ((time >> 32) * tsc.Mult) << (32 - tsc.Shift);
            ns = low + high + (ulong)tsc.Offset;
        }

        return (long)ns + _layout.TimestampOffset;
    }

    private static bool IsCounterClock(string? clock) => clock is "counter" or "x86-tsc" or "uptime";

    private int ReadFile(long position, Span<byte> destination) =>
        position >= _length ? 0 : RandomAccess.Read(_file, destination, position);
}
