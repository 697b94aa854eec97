using System.CommandLine;
using System.Globalization;
using BinderTrace.Analysis.Reporting;
using BinderTrace.Cli.Infrastructure;
using BinderTrace.Events;
using BinderTrace.Export;
using BinderTrace.Export.Parquet;

namespace BinderTrace.Cli.Commands;

/// <summary>
/// <c>bindertrace export TRACE... -o DIR [--tables …] [--partition-by kernel,source] [--compression none|gzip|brotli|zstd]</c>:
/// Parquet tables for notebooks and fleets. The work is done by <see cref="TraceExporter"/>; this only maps options.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var traces = new Argument<string[]>("trace")
        {
            Description = "Trace files (ftrace text, trace-cmd report, atrace, systrace HTML; gzip allowed) or - for stdin",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };
        var tables = new Option<string[]>("--tables")
        {
            Description = $"Tables to write, comma-separated: {string.Join(", ", ExportSelection.TableChoices)} (default all)",
        };
        var partitionBy = new Option<string[]>("--partition-by")
        {
            Description = "Hive-style folders DIR/<table>/kernel=…/source=…/part-N.parquet instead of DIR/<table>.parquet: kernel, source",
        };
        var compression = new Option<string>("--compression")
        {
            Description = "Page compression",
            DefaultValueFactory = _ => "zstd",
        };
        compression.AcceptOnlyFromAmong("none", "gzip", "brotli", "zstd");
        var kernel = new Option<string>("--kernel") { Description = "Kernel label for the kernel column / partition (default: unknown)" };
        var strict = CommonOptions.Strict();
        var deltaTimestamps = new Option<bool>("--delta-timestamps")
        {
            Description = "Encode timestamp columns DELTA_BINARY_PACKED (smaller before compression; Parquet.Net cannot read it)",
        };
        var timestamps = new Option<string>("--timestamps")
        {
            Description = "nanos: each time is TIMESTAMP(NANOS), exact (DuckDB, pandas, polars, Trino); micros: an exact INT64 X_ns "
                + "plus TIMESTAMP(MICROS) X_us, for Spark, BigQuery, Hive (docs/parquet-engines.md)",
            DefaultValueFactory = _ => "nanos",
        };
        timestamps.AcceptOnlyFromAmong("nanos", "micros");
        var proc = ReportCommand.ProcOption();
        var focus = new FocusOptions();
        var command = new Command("export", "Write events and analysis tables as Parquet for DuckDB, pandas, polars, Spark, Trino")
        {
            traces, output, tables, partitionBy, compression, kernel, strict, proc, deltaTimestamps, timestamps,
        };
        foreach (var option in focus.All)
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, (parseResult, interrupt, text) =>
        {
            var paths = parseResult.GetRequiredValue(traces);
            var parse = new ParseOptions { Strict = parseResult.GetValue(strict) };
            var options = Options(parseResult, output, tables, partitionBy, compression, kernel);
            options = options with
            {
                Writer = options.Writer with
                {
                    DeltaTimestamps = parseResult.GetValue(deltaTimestamps),
                    Timestamps = parseResult.GetValue(timestamps) == "micros" ? TimestampColumns.MicrosWithNanos : TimestampColumns.Nanos,
                },
            };
            var traceFocus = focus.Read(parseResult);
            var analysis = new AnalysisOptions { Proc = parseResult.GetValue(proc), Focus = traceFocus };
            CheckOutputFolder(options.OutputDirectory);
            var files = ProgressDisplay.Run(paths, progress =>
                new TraceExporter(options, TraceInput.Options(parse, progress, traceFocus), analysis).Export(paths, interrupt));
            foreach (var file in files)
            {
                text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file.Table}\t{file.Rows} rows\t{file.Bytes} bytes\t{file.Path}"));
            }

            return ExitCode.Ok;
        });
        return command;
    }

    /// <summary>Export writes a folder of files: say so before any trace is read, instead of failing half-way.</summary>
    private static void CheckOutputFolder(string path)
    {
        if (path == "-")
        {
            throw new UserErrorException("-o -: export writes a folder of Parquet files, not a stream; give a folder");
        }

        if (File.Exists(path))
        {
            throw new UserErrorException($"-o {path}: is an existing file; export writes a folder of Parquet files");
        }

        try
        {
            Directory.CreateDirectory(path);
        }
        catch (IOException exception)
        {
            throw new UserErrorException($"-o {path}: cannot create the output folder: {exception.Message}", exception);
        }
    }

    private static ExportOptions Options(
        ParseResult parseResult, Option<string> output, Option<string[]> tables, Option<string[]> partitionBy, Option<string> compression, Option<string> kernel)
    {
        try
        {
            return new ExportOptions
            {
                OutputDirectory = parseResult.GetRequiredValue(output),
                Tables = ExportSelection.ParseTables(parseResult.GetValue(tables) ?? []),
                PartitionBy = ExportSelection.ParsePartitionKeys(parseResult.GetValue(partitionBy) ?? []),
                Writer = new ParquetWriterOptions
                {
                    Compression = ExportSelection.ParseCompression(parseResult.GetValue(compression) ?? "zstd"),
                    CreatedBy = $"bindertrace version {TraceExporter.ToolVersion}",
                },
                Kernel = parseResult.GetValue(kernel),
            };
        }
        catch (ArgumentException exception)
        {
            throw new UserErrorException(exception.Message);
        }
    }
}
