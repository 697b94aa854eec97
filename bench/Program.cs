using BenchmarkDotNet.Running;

namespace BinderTrace.Bench;

/// <summary>
/// Benchmark entry point.
///   make-trace CAPTURE.gz OUTPUT SIZE_MB   build the large real-derived trace for bench/throughput.sh
///   make-dat CAPTURE.v6.dat OUTPUT SIZE_MB  build the large real-derived trace.dat for bench/trace-dat.sh
///   read PATH [ROUNDS]                     parsing alone, single-threaded and on workers, by batch and one by one
///   parse PATH [MEGABYTES] [ROUNDS] [STAGE]  the block parse alone over the first MEGABYTES in memory, on one thread
///   analyze PATH [MAX_EVENTS] [ROUNDS]     the analysis alone over events in memory, with and without report's phases
///   events-table PATH [MAX_EVENTS] [ROUNDS]  export's events table alone over events in memory (ZSTD, to no file)
///   inflate FILE.gz                        gzip decompression alone, to nothing (the bound of reading gzip input)
///   make-perfetto CAPTURE.pftrace.gz OUTPUT SIZE_MB   the same for a Perfetto capture (bench/perfetto.sh)
///   wire CAPTURE.pftrace.gz ROUNDS         protobuf walk: our span reader against Google.Protobuf
///   simulate SECONDS                       reference allocator: simulated transactions per second (contended)
///   micro [BenchmarkDotNet args]           in-process micro-benchmarks (BenchmarkDotNet)
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "make-trace" when args.Length == 4:
                BenchmarkTraceBuilder.Build(args[1], args[2], long.Parse(args[3]) << 20);
                return 0;
            case "make-dat" when args.Length == 4:
                BenchmarkTraceDatBuilder.Build(args[1], args[2], long.Parse(args[3]) << 20);
                return 0;
            case "read" when args.Length is 2 or 3:
                ReadRate.Run(args[1], args.Length == 3 ? int.Parse(args[2]) : 3);
                return 0;
            case "parse" when args.Length is >= 2 and <= 5:
                BlockParseRate.Run(
                    args[1], args.Length >= 3 ? int.Parse(args[2]) : 200, args.Length >= 4 ? int.Parse(args[3]) : 7, args.Length == 5 ? args[4] : "full");
                return 0;
            case "analyze" when args.Length is >= 2 and <= 4:
                AnalysisRate.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 2_000_000, args.Length == 4 ? int.Parse(args[3]) : 5);
                return 0;
            case "events-table" when args.Length is >= 2 and <= 4:
                EventsTableRate.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 2_000_000, args.Length == 4 ? int.Parse(args[3]) : 5);
                return 0;
            case "inflate" when args.Length == 2:
                Inflate(args[1]);
                return 0;
            case "make-perfetto" when args.Length == 4:
                PerfettoBenchmarkTraceBuilder.Build(args[1], args[2], long.Parse(args[3]) << 20);
                return 0;
            case "wire" when args.Length == 3:
                ProtoWireBenchmark.Run(args[1], int.Parse(args[2]));
                return 0;
            case "simulate" when args.Length == 2:
                SimulationRate.Run(double.Parse(args[1]));
                return 0;
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                return 0;
            default:
                Console.Error.WriteLine("usage: make-trace CAPTURE.gz OUTPUT SIZE_MB | make-dat CAPTURE.v6.dat OUTPUT SIZE_MB | read PATH [ROUNDS] | parse PATH [MEGABYTES] [ROUNDS] [STAGE] | analyze PATH [MAX_EVENTS] [ROUNDS] | events-table PATH [MAX_EVENTS] [ROUNDS] | inflate FILE.gz | make-perfetto CAPTURE.pftrace.gz OUTPUT SIZE_MB | wire CAPTURE.pftrace.gz ROUNDS | simulate SECONDS | micro [BenchmarkDotNet args]");
                return 2;
        }
    }

    private static void Inflate(string path)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        gzip.CopyTo(Stream.Null, 1 << 20);
    }
}
