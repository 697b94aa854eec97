using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers.Input;
using ZstdSharp;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>
/// Reads a Perfetto protobuf trace (FORMATS.md §3) packet by packet into the same typed events as the ftrace
/// text reader: ftrace bundles (typed, generic, dense generic and compact_sched events), process_tree
/// (comm and tgid per thread), ftrace_stats (ring-buffer overruns) and zlib / zstd compressed packets.
/// Events come out in timestamp order (each bundle sorted, the CPUs merged by <see cref="CpuMerge"/>). Memory
/// is bounded by the largest packet (after decompression) and the merge window.
/// </summary>
internal sealed class PerfettoTraceSource : ITraceEventBatchSource
{
    /// <summary>A compressed packet that inflates past this is an error, not an allocation.</summary>
    private const int MaxDecompressedBytes = 256 << 20;

    /// <summary>
    /// How many events the CPU merge may hold back while a CPU has nothing queued. traced_probes drains every
    /// CPU once per read cycle, so bundles of different CPUs overlap in time by up to one cycle of events.
    /// </summary>
    private const int CpuMergeWindow = 1 << 16;

    /// <summary>A CPU count past this in system_info is not believed.</summary>
    private const int MaxCpus = 4096;

    private const int FtraceEvents = 1;
    private const int ProcessTree = 2;
    private const int SystemInfo = 45;
    private const int FtraceStats = 34;
    private const int CompressedPackets = 50;
    private const int ZstdCompressedPackets = 133;

    private TraceEvent[]? _batch;
    private ExceptionDispatchInfo? _pendingError;
    private readonly Stream _stream;
    private readonly DetectedInput _input;
    private readonly TracePacketReader _packets;
    private readonly RecordErrors _errors;
    private readonly TaskNames _tasks = new();
    private readonly FtraceBundleDecoder _bundles;
    private readonly FtraceOverruns _overruns = new();
    private readonly List<TraceEvent> _queue = [];
    private readonly CpuMerge _merge;
    private readonly MemoryStream _inflated = new();
    private bool _finished;

    public PerfettoTraceSource(DetectedInput input, string sourceName, ParseOptions options)
    {
        _input = input;
        _stream = input.Text;
        _packets = new TracePacketReader(input.Text);
        Info = new TraceSourceInfo { SourceName = sourceName, Format = TraceFormat.Perfetto, Compressed = input.Compressed };
        _errors = new RecordErrors(sourceName, Diagnostics, options.Strict);
        _bundles = new FtraceBundleDecoder(_tasks, Diagnostics, _errors);
        _merge = new CpuMerge(Math.Max(options.ReorderWindow, CpuMergeWindow), Diagnostics);
    }

    public TraceSourceInfo Info { get; }

    public TraceDiagnostics Diagnostics { get; } = new();

    public bool TryRead(out TraceEvent traceEvent)
    {
        while (!_merge.TryTake(_finished, out traceEvent))
        {
            if (_finished)
            {
                return false;
            }

            _queue.Clear();
            if (!ReadPacket())
            {
                _finished = true;
            }

            foreach (var decoded in _queue)
            {
                _merge.Add(decoded);
            }
        }

        Diagnostics.EventsRead++;
        return true;
    }

    /// <summary>Filled one event at a time: packets are decoded in stream order, not per CPU concurrently.</summary>
    public ReadOnlySpan<TraceEvent> ReadBatch() => OneByOneBatch.Read(this, ref _batch, ref _pendingError);

    public void Dispose()
    {
        _stream.Dispose();
        _inflated.Dispose();
    }

    /// <summary>Decodes the next packet into the queue; false at the end of the input.</summary>
    private bool ReadPacket()
    {
        PacketStatus status;
        ReadOnlySpan<byte> packet;
        try
        {
            status = _packets.Next(out packet);
        }
        catch (ProtoWireException e)
        {
            _errors.Report(e.Offset, e.Problem + "; nothing after it can be framed as packets");
            Diagnostics.Truncated = true;
            return false;
        }
        catch (InvalidDataException e)
        {
            return Finish($"the compressed input is cut or corrupt ({e.Message})", _packets.BytesRead);
        }

        Diagnostics.BytesRead = _packets.BytesRead;
        if (status == PacketStatus.Truncated)
        {
            return Finish(_packets.Problem!, _packets.ProblemOffset);
        }

        if (status == PacketStatus.End)
        {
            if (_input.CutWhileSniffing || (_input.Gzip is not null && _input.Gzip.WasCut()))
            {
                return Finish("the gzip stream is cut", _packets.BytesRead);
            }

            _overruns.Report(Diagnostics);
            return false;
        }

        DecodePacket(new ProtoReader(packet, _packets.PacketOffset), nested: false);
        return true;
    }

    private bool Finish(string problem, long offset)
    {
        Diagnostics.Truncated = true;
        _errors.Report(offset, problem);
        _overruns.Report(Diagnostics);
        return false;
    }

    private void DecodePacket(ProtoReader packet, bool nested)
    {
        try
        {
            while (packet.TryReadTag(out var field, out var wireType))
            {
                if (wireType != WireType.LengthDelimited)
                {
                    packet.Skip(wireType);
                    continue;
                }

                switch (field)
                {
                    case FtraceEvents:
                        _bundles.Decode(packet.ReadMessage(), _queue);
                        break;
                    case ProcessTree:
                        ReadProcessTree(packet.ReadMessage());
                        break;
                    case SystemInfo:
                        ReadSystemInfo(packet.ReadMessage());
                        break;
                    case FtraceStats:
                        _overruns.Read(packet.ReadMessage());
                        break;
                    case CompressedPackets or ZstdCompressedPackets when !nested:
                        var at = packet.Offset;
                        Inflate(packet.ReadBytes(), field == ZstdCompressedPackets, at);
                        break;
                    default:
                        packet.Skip(wireType);
                        break;
                }
            }
        }
        catch (ProtoWireException e)
        {
            // What the packet held before this point is kept; the next packet starts where the framing says.
            _errors.Report(e.Offset, "trace packet: " + e.Problem);
        }
    }

    /// <summary>
    /// A compressed field holds a serialized <c>Trace</c>: more packets (FORMATS.md §3.2). Offsets inside it
    /// are not file offsets, so its errors name the compressed packet's offset in the file.
    /// </summary>
    private void Inflate(ReadOnlySpan<byte> compressed, bool zstd, long offset)
    {
        _inflated.SetLength(0);
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using Stream decoder = zstd ? new DecompressionStream(input) : new ZLibStream(input, CompressionMode.Decompress);
            var chunk = new byte[81920];
            int read;
            while ((read = decoder.Read(chunk)) > 0)
            {
                if (_inflated.Length + read > MaxDecompressedBytes)
                {
                    throw new InvalidDataException($"inflates past {MaxDecompressedBytes} bytes");
                }

                _inflated.Write(chunk, 0, read);
            }
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or IOException)
        {
            _errors.Report(offset, $"{(zstd ? "zstd" : "zlib")} compressed packets cannot be decompressed: {e.Message}");
            return;
        }

        var trace = new ProtoReader(_inflated.GetBuffer().AsSpan(0, (int)_inflated.Length), 0);
        _errors.CompressedAt = offset;
        try
        {
            while (trace.TryReadTag(out var field, out var wireType))
            {
                if (field == 1 && wireType == WireType.LengthDelimited)
                {
                    var inner = trace.ReadMessage();
                    DecodePacket(inner, nested: true);
                }
                else
                {
                    trace.Skip(wireType);
                }
            }
        }
        catch (ProtoWireException e)
        {
            _errors.Report(e.Offset, "compressed packets: " + e.Problem);
        }
        finally
        {
            _errors.CompressedAt = null;
        }
    }

    /// <summary>SystemInfo <c>num_cpus = 8</c> (sysconf(_SC_NPROCESSORS_CONF), perfetto v44+): the CPUs to merge.</summary>
    private void ReadSystemInfo(ProtoReader info)
    {
        while (info.TryReadTag(out var field, out var wireType))
        {
            if (field != 8 || wireType != WireType.Varint)
            {
                info.Skip(wireType);
                continue;
            }

            var cpus = info.ReadVarint();
            if (cpus is > 0 and <= MaxCpus)
            {
                Info.HeaderCpuCount = (int)cpus;
                _merge.ExpectCpus((int)cpus);
            }
        }
    }

    /// <summary>ProcessTree: <c>processes = 1</c> (pid = 1, cmdline = 3), <c>threads = 2</c> (tid = 1, name = 2, tgid = 3).</summary>
    private void ReadProcessTree(ProtoReader tree)
    {
        while (tree.TryReadTag(out var field, out var wireType))
        {
            if (wireType != WireType.LengthDelimited || field is not (1 or 2))
            {
                tree.Skip(wireType);
                continue;
            }

            var entry = tree.ReadMessage();
            long id = -1;
            long tgid = -1;
            string? name = null;
            while (entry.TryReadTag(out var number, out var type))
            {
                if (number == 1 && type == WireType.Varint)
                {
                    id = (long)entry.ReadVarint();
                }
                else if (number == 2 && type == WireType.LengthDelimited && field == 2)
                {
                    name = Encoding.UTF8.GetString(entry.ReadBytes());
                }
                else if (number == 3 && type == WireType.LengthDelimited && field == 1)
                {
                    var argument = Encoding.UTF8.GetString(entry.ReadBytes());
                    name ??= argument;
                }
                else if (number == 3 && type == WireType.Varint && field == 2)
                {
                    tgid = (long)entry.ReadVarint();
                }
                else
                {
                    entry.Skip(type);
                }
            }

            if (field == 1)
            {
                _tasks.SetProcess(id, name);
            }
            else
            {
                _tasks.SetComm(id, name);
                _tasks.SetTgid(id, tgid);
            }
        }
    }
}
