using BinderTrace.Events;
using BinderTrace.Focus;
using BinderTrace.Parsers;
using BinderTrace.Pipeline;

namespace BinderTrace.Tests;

public sealed class TracePassTests
{
    private const string Kernel612 = "6.12.107+deb13-amd64";

    public static TheoryData<string, string, string> RealCaptures()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kernel in new[] { "6.1.0-56-amd64", Kernel612, "7.3.4+deb13-amd64" })
        {
            foreach (var file in new[] { "trace.txt.gz", "trace.dat", "trace.dense.pftrace.gz" })
            {
                data.Add(kernel, "light", file);
            }
        }

        data.Add(Kernel612, "contended", "trace.txt.gz");
        data.Add(Kernel612, "contended", "trace.v6.dat.gz");
        return data;
    }

    [Theory]
    [MemberData(nameof(RealCaptures))]
    public void Every_consumer_sees_every_event_once_in_order_in_every_threading(string kernel, string capture, string file)
    {
        var path = Path.Combine(RepositoryPaths.SharedCaptureFolder(kernel, capture), file);
        var expected = ReadPlainly(path);
        Assert.NotEmpty(expected);

        foreach (var readAhead in new[] { false, true })
        {
            var first = new RecordingConsumer();
            var second = new RecordingConsumer();
            using (var pass = TracePass.Open(path, new TracePassOptions { ReadAhead = readAhead }))
            {
                pass.Run([first, second]);
            }

            Assert.Equal(expected, first.Events);
            Assert.Equal(expected, second.Events);
            Assert.Equal(path, first.EndInfo!.SourceName);
        }

        var lane0 = new RecordingConsumer();
        var lane1 = new RecordingConsumer();
        using (var pass = TracePass.Open(path, new TracePassOptions()))
        {
            pass.RunConcurrently([[lane0], [lane1]]);
        }

        Assert.Equal(expected, lane0.Events);
        Assert.Equal(expected, lane1.Events);
    }

    [Fact]
    public void The_event_count_of_a_real_capture_is_its_count_of_event_lines()
    {
        // zcat ../shared/traces/6.12.107+deb13-amd64/contended/trace.txt.gz | grep -v '^#' | grep -c ': '  → 124335
        // (no LOST lines; the header's "entries-in-buffer/entries-written: 124335/124335" agrees)
        var events = new RecordingConsumer();
        using var pass = TracePass.Open(RepositoryPaths.SharedCapture(Kernel612, "contended"), new TracePassOptions());
        pass.Run([events]);
        Assert.Equal(124_335, events.Events.Count);
    }

    [Theory]
    [InlineData(false, 3 * TracePass.BatchSize + 5)]
    [InlineData(true, 3 * TracePass.BatchSize + 5)]
    [InlineData(true, 2 * TracePass.BatchSize)]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    public void A_reader_error_reaches_the_caller_after_the_events_before_it(bool readAhead, int before)
    {
        var source = new GeneratedEventSource(before, new TraceFormatException("gen.txt", 12, 400, "expected an event line"));
        var lane0 = new RecordingConsumer();
        var lane1 = new RecordingConsumer();
        using var pass = TracePass.Over(source, new TracePassOptions { ReadAhead = readAhead });

        var error = Assert.Throws<TraceFormatException>(() => pass.RunConcurrently(readAhead ? [[lane0], [lane1]] : [[lane0, lane1]]));

        Assert.StartsWith("gen.txt:12 (byte 400)", error.Message);
        Assert.Equal(Enumerable.Range(0, before).Select(i => GeneratedEventSource.Event(i)), lane0.Events);
        Assert.Equal(lane0.Events, lane1.Events);
        Assert.Null(lane0.EndInfo);
        Assert.Null(lane1.EndInfo);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void One_lane_over_a_source_that_parses_ahead_reads_it_on_the_callers_thread_without_a_copy(bool parsesAhead, bool onCaller)
    {
        var source = new BatchSource(parsesAhead);
        var batches = new List<bool>();
        var consumer = new RecordingConsumer();
        using var pass = TracePass.Over(source, new TracePassOptions { ReadAhead = true });

        pass.Run([new SpanIdentityConsumer(source, batches), consumer]);

        Assert.Equal(onCaller, source.ReadThreads.All(id => id == Environment.CurrentManagedThreadId));
        // On the caller's thread the consumers see the source's own array; a read-ahead thread hands over copies.
        Assert.NotEmpty(batches);
        Assert.All(batches, inPlace => Assert.Equal(onCaller, inPlace));
        Assert.Equal(Enumerable.Range(0, 3 * BatchSource.Size).Select(i => GeneratedEventSource.Event(i)), consumer.Events);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancellation_stops_the_pass_and_leaves_no_thread_reading(bool readAhead)
    {
        var source = new GeneratedEventSource(failAfter: null);
        using var cancel = new CancellationTokenSource();
        var consumer = new RecordingConsumer(batch =>
        {
            if (batch == 3)
            {
                cancel.Cancel();
            }
        });
        var other = new RecordingConsumer();
        using var pass = TracePass.Over(source, new TracePassOptions { ReadAhead = readAhead });

        Assert.ThrowsAny<OperationCanceledException>(() => pass.RunConcurrently(readAhead ? [[consumer], [other]] : [[consumer]], cancel.Token));

        AssertReadingHasStopped(source);
        Assert.Null(consumer.EndInfo);
    }

    /// <summary>
    /// Ctrl-C while the text reader's workers wait on a pipe whose writer neither writes nor closes (a live trace_pipe
    /// with nothing to say): the pass ends with OperationCanceledException, as the writer keeps still. Before, it
    /// waited for the writer. 16 KiB of the 6.12 light capture go first, enough for the format to be detected (it
    /// sniffs 8 KiB) and less than one of the reader's 512 KiB blocks, so the workers wait on the pipe for the rest.
    /// The pause before the Ctrl-C lets the pass reach that wait; were it shorter, the pass would stop at its own check
    /// of the token, and the test would still pass.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Cancellation_stops_a_pass_whose_input_pipe_is_silent(int lanes)
    {
        var head = new byte[16 << 10];
        using (var capture = new System.IO.Compression.GZipStream(
            File.OpenRead(Path.Combine(RepositoryPaths.SharedCaptureFolder(Kernel612, "light"), "trace.txt.gz")),
            System.IO.Compression.CompressionMode.Decompress))
        {
            capture.ReadExactly(head);
        }

        using var writer = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var reader = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, writer.ClientSafePipeHandle);
        writer.Write(head);
        writer.Flush();
        using var pass = TracePass.Over(TraceReader.Open(reader, "pipe", new ParseOptions()));
        using var interrupt = new CancellationTokenSource();
        IReadOnlyList<IReadOnlyList<ITraceEventConsumer>> consumers = lanes == 1 ? [[new RecordingConsumer()]] : [[new RecordingConsumer()], [new RecordingConsumer()]];
        var run = Task.Factory.StartNew(() => pass.RunConcurrently(consumers, interrupt.Token), TaskCreationOptions.LongRunning);

        await Task.Delay(300);
        interrupt.Cancel();

        var first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
        writer.Dispose();
        Assert.True(first == run, "the pass still waits for the silent pipe 30 s after Ctrl-C");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    /// <summary>
    /// Ctrl-C before standard input has sent the bytes format detection reads (a pipe whose writer has written nothing
    /// yet): opening the pass ends with OperationCanceledException while the writer keeps still. Before, the open
    /// waited in the detection's read until the writer wrote or closed. The pause before the Ctrl-C lets the open reach
    /// that read.
    /// </summary>
    [Fact]
    public async Task Cancellation_stops_opening_standard_input_that_sends_nothing()
    {
        using var writer = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var reader = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, writer.ClientSafePipeHandle);
        using var interrupt = new CancellationTokenSource();
        var open = Task.Factory.StartNew(
            () => TracePass.Open("-", new TracePassOptions { StandardInput = () => reader }, interrupt.Token), TaskCreationOptions.LongRunning);

        await Task.Delay(300);
        interrupt.Cancel();

        var first = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(30)));
        writer.Dispose();
        Assert.True(first == open, "opening still waits for the silent standard input 30 s after Ctrl-C");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open);
    }

    /// <summary>Standard input opened on the pool thread (a cancellation was given) reads the same events as the file it comes from.</summary>
    [Fact]
    public void Standard_input_opened_with_a_cancellation_reads_the_whole_trace()
    {
        var path = Path.Combine(RepositoryPaths.SharedCaptureFolder(Kernel612, "light"), "trace.txt.gz");
        using var interrupt = new CancellationTokenSource();
        var fromStdin = new RecordingConsumer();
        using (var pass = TracePass.Open("-", new TracePassOptions { StandardInput = () => File.OpenRead(path) }, interrupt.Token))
        {
            pass.Run([fromStdin], interrupt.Token);
        }

        var fromFile = new RecordingConsumer();
        using (var pass = TracePass.Open(path, new TracePassOptions()))
        {
            pass.Run([fromFile]);
        }

        // zcat ../shared/traces/6.12.107+deb13-amd64/light/trace.txt.gz | grep -v '^#' | grep -c ': '  → 7796
        Assert.Equal(7796, fromStdin.Events.Count);
        Assert.Equal(fromFile.Events, fromStdin.Events);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(true, 1)]
    public void A_consumer_error_stops_the_pass_and_reaches_the_caller(bool readAhead, int failingLane)
    {
        var source = new GeneratedEventSource(failAfter: null);
        var failing = new RecordingConsumer(batch => _ = batch == 2 ? throw new InvalidOperationException("consumer broke") : 0);
        var other = new RecordingConsumer();
        ITraceEventConsumer[][] lanes = !readAhead ? [[failing, other]] : failingLane == 0 ? [[failing], [other]] : [[other], [failing]];
        using var pass = TracePass.Over(source, new TracePassOptions { ReadAhead = readAhead });

        var error = Assert.Throws<InvalidOperationException>(() => pass.RunConcurrently(lanes));

        Assert.Equal("consumer broke", error.Message);
        AssertReadingHasStopped(source);
        Assert.Null(other.EndInfo);
    }

    [Fact]
    public void Standard_input_is_read_like_the_file_and_hashed_the_same()
    {
        var path = RepositoryPaths.SharedCapture(Kernel612, "light");
        var fromStdin = new RecordingConsumer();
        using var stdin = TracePass.Open("-", new TracePassOptions { StandardInput = () => File.OpenRead(path), HashInput = true });
        stdin.Run([fromStdin]);
        var fromFile = new RecordingConsumer();
        using var file = TracePass.Open(path, new TracePassOptions { HashInput = true });
        file.Run([fromFile]);

        Assert.Equal(ReadPlainly(path), fromStdin.Events);
        Assert.Equal(TraceReader.StandardInputName, stdin.Info.SourceName);
        // sha256sum ../shared/traces/6.12.107+deb13-amd64/light/trace.txt.gz
        const string Sha256 = "sha256:611abb9821ea9b15332d8448c8ba1610b72b17567c6ba40db3e5b1be03c1391a";
        Assert.Equal(Sha256, stdin.InputSha256);
        Assert.Equal(Sha256, file.InputSha256);
    }

    [Fact]
    public void A_trace_dat_is_hashed_whole()
    {
        var path = Path.Combine(RepositoryPaths.SharedCaptureFolder(Kernel612, "light"), "trace.dat");
        using var pass = TracePass.Open(path, new TracePassOptions { HashInput = true });
        pass.Run([new RecordingConsumer()]);
        // sha256sum ../shared/traces/6.12.107+deb13-amd64/light/trace.dat
        Assert.Equal("sha256:4cc968c65d3fd3b03874bea84e0b08ddcec81bc053d42ce27c56af0b10c8bb25", pass.InputSha256);
    }

    [Fact]
    public void Missing_files_directories_and_an_absent_stdin_are_input_errors()
    {
        using var dir = new TempFolder();
        Assert.Equal($"{dir.Path}: is a directory, expected a trace file", Assert.Throws<TraceInputException>(() => TracePass.Open(dir.Path, new TracePassOptions())).Message);
        var missing = System.IO.Path.Combine(dir.Path, "missing.trace");
        Assert.Equal($"{missing}: no such file", Assert.Throws<TraceInputException>(() => TracePass.Open(missing, new TracePassOptions())).Message);
        Assert.Throws<TraceInputException>(() => TracePass.Open("-", new TracePassOptions()));
    }

    [Fact]
    public void A_window_keeps_the_events_inside_it_measured_from_the_first_event()
    {
        // zcat …/6.12.107+deb13-amd64/contended/trace.txt.gz | awk: event lines whose timestamp (integer µs) minus the first
        // one's (5.612122 s) is in [1 s, 2 s) → 2448.
        var focus = new TraceFocus { Window = TimeWindow.Parse("1s..2s") };
        var kept = new RecordingConsumer();
        using var pass = TracePass.Open(RepositoryPaths.SharedCapture(Kernel612, "contended"), new TracePassOptions { Focus = focus });
        pass.Run([kept]);

        Assert.Equal(2448, kept.Events.Count);
        Assert.All(kept.Events, e => Assert.InRange(e.Timestamp, 6_612_122_000, 7_612_121_999));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_phase_keeps_its_span_with_both_markers(bool readAhead)
    {
        // zcat …/6.12.107+deb13-amd64/contended/trace.txt.gz | awk: event lines from "phase B-contention begin" to
        // "phase B-contention end", both included → 88376.
        var kept = new RecordingConsumer();
        using var pass = TracePass.Open(
            RepositoryPaths.SharedCapture(Kernel612, "contended"),
            new TracePassOptions { Focus = new TraceFocus { Phase = "B-contention" }, ReadAhead = readAhead });
        pass.Run([kept]);

        Assert.Equal(88_376, kept.Events.Count);
        Assert.EndsWith("phase B-contention begin", kept.Events[0].Text!.TrimEnd());
        Assert.EndsWith("phase B-contention end", kept.Events[^1].Text!.TrimEnd());
    }

    [Fact]
    public void A_focus_that_matches_nothing_is_an_error_naming_what_the_trace_has()
    {
        var path = RepositoryPaths.SharedCapture(Kernel612, "contended");
        using var pass = TracePass.Open(path, new TracePassOptions { Focus = new TraceFocus { Phase = "Z-none" } });
        var consumer = new RecordingConsumer();

        var error = Assert.Throws<TraceFocusException>(() => pass.Run([consumer]));

        Assert.Equal($"{path}: no phase 'Z-none': its phases are: A-warmup, B-contention, C-idle-reclaim, D-reload", error.Message);
        Assert.Empty(consumer.Events);
        Assert.Null(consumer.EndInfo);
    }

    private static List<TraceEvent> ReadPlainly(string path)
    {
        using var source = TraceReader.Open(path, ParseOptions.Default);
        var events = new List<TraceEvent>();
        while (source.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    private static void AssertReadingHasStopped(GeneratedEventSource source)
    {
        var reads = source.Reads;
        Thread.Sleep(100);
        Assert.Equal(reads, source.Reads);
    }

    /// <summary>Three batches of generated events from one array of its own, noting the threads it is read on.</summary>
    private sealed class BatchSource(bool parsesAhead) : ITraceEventBatchSource
    {
        public const int Size = 100;

        private int _batches;

        public TraceEvent[] Array { get; } = new TraceEvent[Size];

        public List<int> ReadThreads { get; } = [];

        public bool ParsesAhead => parsesAhead;

        public TraceSourceInfo Info { get; } = new() { SourceName = "batches", Format = TraceFormat.FtraceText };

        public TraceDiagnostics Diagnostics { get; } = new();

        public ReadOnlySpan<TraceEvent> ReadBatch()
        {
            lock (ReadThreads)
            {
                ReadThreads.Add(Environment.CurrentManagedThreadId);
            }

            if (_batches == 3)
            {
                return [];
            }

            for (var i = 0; i < Size; i++)
            {
                Array[i] = GeneratedEventSource.Event((_batches * Size) + i);
            }

            _batches++;
            return Array;
        }

        public bool TryRead(out TraceEvent traceEvent) => throw new InvalidOperationException("The pass reads batches.");

        public void Dispose()
        {
        }
    }

    /// <summary>Notes, per batch, whether it is the source's own array (handed on in place) or a copy.</summary>
    private sealed class SpanIdentityConsumer(BatchSource source, List<bool> inPlace) : ITraceEventConsumer
    {
        public void OnEvents(ReadOnlySpan<TraceEvent> batch) => inPlace.Add(batch.Overlaps(source.Array));

        public void OnEnd(TraceSourceInfo info, TraceDiagnostics diagnostics)
        {
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("bindertrace-pipeline-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
