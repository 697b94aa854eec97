using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BinderTrace.Allocator.Workload;

/// <summary>A payload size bucket: sizes drawn uniformly from [MinBytes, MaxBytes], bucket chosen by weight.</summary>
public sealed record PayloadBucket(long MinBytes, long MaxBytes, double Weight);

/// <summary>
/// Everything a simulation run does besides the allocator design: processes, threads, rates, sizes, app threads
/// competing for the server's mmap_lock, memory-pressure episodes and costs. Times are nanoseconds of virtual
/// time. Loaded from JSON (camelCase property names) or taken from <see cref="WorkloadPresets"/>.
/// </summary>
public sealed record WorkloadSpec
{
    public string Name { get; init; } = "custom";

    public int Cpus { get; init; } = 4;

    /// <summary>Virtual duration when the command line gives none.</summary>
    public long DurationNs { get; init; } = 100_000_000;

    /// <summary>Size of each process's binder mapping (libbinder maps 1 MiB − 2 pages; the kernel caps usable space at 4 MiB).</summary>
    public long MappingBytes { get; init; } = (1L << 20) - (2 * 4096);

    /// <summary>Server processes; each has its own binder mapping, loopers and app threads. Clients pick one per transaction.</summary>
    public int ServerProcesses { get; init; } = 1;

    /// <summary>Looper threads per server process.</summary>
    public int LooperThreads { get; init; } = 4;

    public int ClientProcesses { get; init; } = 2;

    public int ThreadsPerClient { get; init; } = 1;

    /// <summary>Mean think time between a client thread's transactions (exponential): the transaction rate is its inverse per thread.</summary>
    public long ClientThinkNs { get; init; } = 200_000;

    public double OneWayFraction { get; init; } = 0.3;

    public IReadOnlyList<PayloadBucket> RequestSizes { get; init; } =
        [new(64, 512, 0.7), new(1024, 8192, 0.25), new(16384, 204800, 0.05)];

    public IReadOnlyList<PayloadBucket> ReplySizes { get; init; } = [new(8, 256, 1.0)];

    /// <summary>Mean server handling time per transaction (exponential, on CPU).</summary>
    public long ServerHandlingNs { get; init; } = 20_000;

    /// <summary>Client processing of a reply before it frees the buffer.</summary>
    public long ClientReplyHandlingNs { get; init; } = 2_000;

    /// <summary>Application threads in each server process that use its mmap_lock.</summary>
    public int AppThreads { get; init; } = 1;

    /// <summary>Mean gap between one app thread's mmap_lock operations (exponential).</summary>
    public long AppIntervalNs { get; init; } = 500_000;

    /// <summary>Share of app operations that are mmap/munmap (write lock); the rest are read-side users such as faults.</summary>
    public double AppWriteFraction { get; init; } = 0.3;

    /// <summary>Share of write operations that are munmap, which downgrades to a read hold before releasing.</summary>
    public double AppMunmapFraction { get; init; } = 0.5;

    public long AppWriteHoldNs { get; init; } = 5_000;

    public long AppReadHoldNs { get; init; } = 5_000;

    /// <summary>Time between the starts of memory-pressure episodes; 0 disables the shrinker.</summary>
    public long PressureIntervalNs { get; init; }

    /// <summary>Share of the LRU the shrinker scans per episode (1.0 = drop_caches-like).</summary>
    public double PressureScanFraction { get; init; } = 0.5;

    /// <summary>How long alloc_page stays on its slow-path odds after an episode starts.</summary>
    public long PressureDurationNs { get; init; } = 1_000_000;

    public CostModel Costs { get; init; } = new();

    /// <summary>Reads a workload file; errors name the file and the JSON position. Fields the file leaves out keep their defaults.</summary>
    public static WorkloadSpec Load(string path)
    {
        try
        {
            var json = File.ReadAllBytes(path);

            // Read as written first, so that an unknown field or a wrong JSON type is reported at its line and byte.
            _ = JsonSerializer.Deserialize(json, WorkloadJsonContext.Default.WorkloadSpec)
                ?? throw new InvalidDataException($"{path}: the file holds JSON null, expected a workload object");

            // The generated reader sets every init-only property, those the file leaves out to default(T) rather than
            // to their initializers (dotnet/runtime#84484), so the file is laid over the defaults' own JSON and read again.
            var merged = JsonSerializer.SerializeToNode(new WorkloadSpec(), WorkloadJsonContext.Default.WorkloadSpec)!.AsObject();
            LayOver(merged, JsonNode.Parse(json, documentOptions: FileOptions)!.AsObject());
            var spec = merged.Deserialize(WorkloadJsonContext.Default.WorkloadSpec)!;
            spec.Validate(path);
            return spec;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}, byte {e.BytePositionInLine}: {Describe(e)}", e);
        }
    }

    private static readonly JsonDocumentOptions FileOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Each field of <paramref name="file"/> replaces the default's; an object field (the costs) is laid over field by field.</summary>
    private static void LayOver(JsonObject defaults, JsonObject file)
    {
        foreach (var (name, value) in file)
        {
            if (value is JsonObject fields && defaults[name] is JsonObject defaultFields)
            {
                LayOver(defaultFields, fields);
            }
            else
            {
                defaults[name] = value?.DeepClone();
            }
        }
    }

    /// <summary>The serializer's own messages name .NET types; the user knows the file's fields and JSON types.</summary>
    private static string Describe(JsonException e) => (e.Path, e.Message) switch
    {
        (null, _) => "not valid JSON",
        (var at, var message) when message.Contains("could not be mapped", StringComparison.Ordinal) => $"{at}: no such workload field",
        ("$", _) => "expected a JSON object of workload fields",
        (var at, _) => $"{at}: wrong JSON type or value out of range for this field",
    };

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first field out of range.</summary>
    public void Validate(string source)
    {
        Require(Cpus is >= 1 and <= 256, "cpus must be 1..256");
        Require(DurationNs > 0, "durationNs must be > 0");
        Require(MappingBytes >= 4096, "mappingBytes must be at least one page");
        Require(ServerProcesses is >= 1 and <= 10, "serverProcesses must be 1..10");
        Require(LooperThreads >= 1 && LooperThreads + AppThreads <= 99, "looperThreads must be >= 1, looperThreads + appThreads <= 99");
        Require(ClientProcesses >= 1 && ThreadsPerClient is >= 1 and <= 99, "clientProcesses must be >= 1, threadsPerClient 1..99");
        Require(ClientProcesses * ThreadsPerClient <= 4096, "at most 4096 client threads");
        Require(OneWayFraction is >= 0 and <= 1, "oneWayFraction must be within 0..1");
        Require(RequestSizes.Count > 0 && ReplySizes.Count > 0, "requestSizes and replySizes need at least one bucket");
        foreach (var b in RequestSizes.Concat(ReplySizes))
        {
            Require(b.MinBytes >= 0 && b.MaxBytes >= b.MinBytes && b.Weight >= 0, "payload buckets need 0 <= minBytes <= maxBytes and weight >= 0");
        }

        Require(AppThreads >= 0 && AppIntervalNs > 0, "appThreads must be >= 0 and appIntervalNs > 0");
        Require(PressureIntervalNs >= 0 && PressureScanFraction is >= 0 and <= 1, "pressureIntervalNs >= 0, pressureScanFraction within 0..1");

        void Require(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidDataException($"{source}: workload '{Name}': {what}");
            }
        }
    }
}

/// <summary>
/// The workload file's JSON contract, generated at build time so that a Native AOT publish (no reflection-based
/// serializer) reads workload files exactly as the JIT build does.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(WorkloadSpec))]
internal sealed partial class WorkloadJsonContext : JsonSerializerContext;
