using BinderTrace.Events;
using static BinderTrace.Tests.PerfettoTrace;

namespace BinderTrace.Tests;

/// <summary>
/// Hand-built Perfetto packets (written by <see cref="ProtoWriter"/> from FORMATS.md §3's field numbers) for
/// each edge of the format: where dense descriptors sit, unknown fields, packed and unpacked arrays,
/// compressed packets, lost data and broken bytes.
/// </summary>
public class PerfettoWireEdgeTests
{
    // FieldDescriptorProto types (FORMATS.md §3.4).
    private const int Int64 = 3;
    private const int Uint64 = 4;
    private const int String = 9;

    private const int Dense = 65536;

    [Fact]
    public void A_dense_event_is_typed_by_the_descriptor_that_follows_it_in_its_bundle()
    {
        var trace = Of(Bundle(2, b => b
            .Event(1000, 42, Dense, e => e.Varint(1, 7).Varint(2, 3))
            .Descriptor(Dense, "binder_alloc_page_start", ("proc", Int64), ("page_index", Uint64))));

        var (events, source) = Read(trace);

        var e = Assert.Single(events);
        Assert.Equal(EventKind.BinderAllocPageStart, e.Kind);
        Assert.Equal(new PageEvent(7, 3), e.Page);
        Assert.Equal((1000L, 2, 42), (e.Timestamp, e.Cpu, e.Pid));
        Assert.Equal(TraceFormat.Perfetto, source.Info.Format);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void A_bundle_whose_cpu_is_past_nr_cpus_is_counted_and_skipped_without_sizing_state_by_it()
    {
        // Found by mutating a real capture: cpu 465255321 made per-CPU state allocate 11 GB.
        var trace = Of(
            Bundle(465_255_321, b => b
                .Event(100, 10, Dense, e => e.Varint(1, 5).Varint(2, 9))
                .Descriptor(Dense, "binder_alloc_lru_start", ("proc", Int64), ("page_index", Uint64))),
            Bundle(1, b => b
                .Event(200, 10, Dense, e => e.Varint(1, 5).Varint(2, 9))
                .Descriptor(Dense, "binder_alloc_lru_start", ("proc", Int64), ("page_index", Uint64))));

        var (events, source) = Read(trace);

        var e = Assert.Single(events);
        Assert.Equal((200L, 1), (e.Timestamp, e.Cpu));
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
    }

    [Fact]
    public void Two_bundles_can_give_the_same_field_id_different_descriptors()
    {
        var trace = Of(
            Bundle(0, b => b
                .Event(100, 10, Dense, e => e.Varint(1, 5).Varint(2, 9))
                .Descriptor(Dense, "binder_alloc_lru_start", ("proc", Int64), ("page_index", Uint64))),
            Bundle(0, b => b
                .Event(200, 10, Dense, e => e.Varint(1, 0xdead).String(2, "/").Varint(3, 1))
                .Descriptor(Dense, "mmap_lock_released", ("mm", Uint64), ("memcg_path", String), ("write", Uint64))));

        var (events, source) = Read(trace);

        Assert.Equal([EventKind.BinderAllocLruStart, EventKind.MmapLockReleased], events.Select(e => e.Kind));
        Assert.Equal(new PageEvent(5, 9), events[0].Page);
        Assert.Equal(new MmapLockEvent(0xdead, true, false, "/", 0), events[1].MmapLock);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void A_dense_event_without_a_descriptor_in_its_bundle_is_counted_not_guessed()
    {
        var trace = Of(
            Bundle(0, b => b.Descriptor(Dense, "binder_alloc_lru_start", ("proc", Int64), ("page_index", Uint64))),
            Bundle(0, b => b.Event(200, 10, Dense, e => e.Varint(1, 5).Varint(2, 9))));

        var (events, source) = Read(trace);

        Assert.Empty(events);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
    }

    [Fact]
    public void Unknown_fields_of_every_wire_type_are_skipped_at_every_level()
    {
        var packet = Packet(p => p
            .Varint(900, 1).Fixed64(901, 2).Fixed32(902, 3).String(903, "x")
            .Message(FtraceEvents, b => b
                .Varint(BundleCpu, 1)
                .Varint(100, 1).Fixed64(101, 2).Fixed32(102, 3).String(103, "y")
                .Message(BundleEvent, e => e
                    .Varint(EventTimestamp, 500).Varint(EventPid, 77)
                    .Varint(3000, 1).Fixed64(3001, 2).Fixed32(3002, 3)
                    .Message(BinderTransactionReceived, r => r
                        .Varint(1, 4242).Varint(9, 1).Fixed64(10, 2).Fixed32(11, 3).String(12, "z")))));

        // A top-level field other than packet = 1 between the packets (varint and LEN).
        var trace = Of(packet).Concat(new ProtoWriter().Varint(7, 5).String(8, "junk").ToArray()).ToArray();

        var (events, source) = Read(trace);

        var e = Assert.Single(events);
        Assert.Equal(EventKind.BinderTransactionReceived, e.Kind);
        Assert.Equal(4242, e.TransactionId);
        Assert.Equal((500L, 1, 77), (e.Timestamp, e.Cpu, e.Pid));
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Compact_sched_reads_packed_and_unpacked_arrays_alike_and_infers_the_prev_task()
    {
        static byte[] Trace(bool packed) => Of(Bundle(3, b => b.Message(BundleCompactSched, c =>
        {
            Action<int, long[]> array = packed ? (f, v) => c.Packed(f, v) : (f, v) => c.Unpacked(f, v);
            c.String(5, "swapper/3").String(5, "binder_wl");
            array(1, [1000, 500]); // switch_timestamp: absolute, then delta
            array(2, [1, 0]);      // switch_prev_state: S, R
            array(3, [267, 0]);    // switch_next_pid
            array(4, [120, 120]);  // switch_next_prio
            array(6, [1, 0]);      // switch_next_comm_index
            array(7, [1200]);      // waking_timestamp
            array(8, [300]);       // waking_pid
            array(9, [1]);         // waking_target_cpu
            array(10, [110]);      // waking_prio
            array(11, [1]);        // waking_comm_index
        })));

        var (packedEvents, packedSource) = Read(Trace(packed: true));
        var (unpackedEvents, _) = Read(Trace(packed: false));

        Assert.Equal(packedEvents.Select(Describe), unpackedEvents.Select(Describe));
        Assert.True(packedSource.Diagnostics.IsClean);
        Assert.Equal([1000L, 1200, 1500], packedEvents.Select(e => e.Timestamp));

        // The first switch on a CPU has no known prev task; the second's is the task the first put there.
        var first = packedEvents[0].SchedSwitch;
        Assert.Equal((-1, 267, "binder_wl", TaskState.Sleeping), (first.PrevPid, first.NextPid, first.NextComm, first.PrevState));
        var second = packedEvents[2].SchedSwitch;
        Assert.Equal(new SchedSwitchEvent("binder_wl", 267, 120, TaskState.Running, "swapper/3", 0, 120), second);
        Assert.Equal(267, packedEvents[2].Pid);

        // The waker is the task running on the CPU: 267 since the first switch.
        var waking = packedEvents[1];
        Assert.Equal(("sched_waking", 267, "comm=binder_wl pid=300 prio=110 target_cpu=1"), (waking.Name, waking.Pid, waking.Text));
    }

    [Fact]
    public void Compact_sched_arrays_of_different_lengths_are_an_error_not_a_crash()
    {
        var trace = Of(Bundle(0, b => b
            .Event(50, 9, BinderTransactionReceived, r => r.Varint(1, 1))
            .Message(BundleCompactSched, c => c
                .String(5, "a")
                .Packed(1, 100, 10).Packed(2, 0, 0).Packed(3, 5).Packed(4, 120, 120).Packed(6, 0, 0))));

        var (events, source) = Read(trace);

        Assert.Equal(EventKind.BinderTransactionReceived, Assert.Single(events).Kind);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.Contains("differ in length", source.Diagnostics.SkippedSamples[0].Reason, StringComparison.Ordinal);

        var strict = Assert.Throws<TraceFormatException>(() => Read(trace, TraceInput.Strict));
        Assert.Contains("differ in length", strict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_varint_cut_by_the_end_of_the_file_is_reported_with_its_offset_and_earlier_packets_are_kept()
    {
        var whole = Of(Bundle(1, b => b.Event(10, 3, BinderTransactionReceived, r => r.Varint(1, 8))));

        // Then a packet key (0x0A) and the first byte of a two-byte length: the file ends inside the varint.
        var trace = whole.Concat(new byte[] { 0x0A, 0x85 }).ToArray();

        var (events, source) = Read(trace);

        Assert.Equal(8, Assert.Single(events).TransactionId);
        Assert.True(source.Diagnostics.Truncated);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.Equal(whole.Length + 1, source.Diagnostics.SkippedSamples[0].ByteOffset);

        var strict = Assert.Throws<TraceFormatException>(() => Read(trace, TraceInput.Strict));
        Assert.Equal(whole.Length + 1, strict.ByteOffset);
    }

    [Fact]
    public void A_corrupt_event_is_counted_at_its_byte_offset_and_its_neighbours_are_kept()
    {
        // Key 0x0F is field 1 with wire type 7, which does not exist; the field 2 = 0x2B before it marks the spot for the test.
        var trace = Of(Bundle(0, b => b
            .Event(10, 3, BinderTransactionReceived, r => r.Varint(1, 1))
            .Event(20, 3, BinderTransactionReceived, r => r.Varint(2, 0x2B).Raw(0x0F))
            .Event(30, 3, BinderTransactionReceived, r => r.Varint(1, 3))));
        var corruptAt = trace.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x10, 0x2B, 0x0F]) + 2;

        var (events, source) = Read(trace);

        Assert.Equal([1, 3], events.Select(e => e.TransactionId));
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.Equal(corruptAt, source.Diagnostics.SkippedSamples[0].ByteOffset);
        Assert.Equal(corruptAt, Assert.Throws<TraceFormatException>(() => Read(trace, TraceInput.Strict)).ByteOffset);
    }

    [Fact]
    public void Zlib_compressed_packets_hold_more_packets()
    {
        var inner = Of(Bundle(1, b => b.Event(10, 3, BinderTransactionReceived, r => r.Varint(1, 5))));
        var trace = Of(Packet(p => p.Bytes(CompressedPackets, Zlib(inner))));

        var (events, source) = Read(trace);

        Assert.Equal(5, Assert.Single(events).TransactionId);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Zstd_compressed_packets_hold_more_packets()
    {
        var inner = Of(Bundle(1, b => b.Event(10, 3, BinderTransactionReceived, r => r.Varint(1, 6))));
        using var zstd = new ZstdSharp.Compressor();
        var trace = Of(Packet(p => p.Bytes(ZstdCompressedPackets, zstd.Wrap(inner).ToArray())));

        var (events, source) = Read(trace);

        Assert.Equal(6, Assert.Single(events).TransactionId);
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Corrupt_compressed_packets_are_counted_at_the_packets_offset()
    {
        var trace = Of(Packet(p => p.Bytes(CompressedPackets, [0x78, 0x9C, 0xFF, 0xFF, 0xFF])));

        var (events, source) = Read(trace);

        Assert.Empty(events);
        Assert.Equal(1, source.Diagnostics.UnparsedLines);
        Assert.Contains("zlib", source.Diagnostics.SkippedSamples[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lost_events_before_a_bundle_become_a_marker_and_a_diagnostic()
    {
        var trace = Of(Bundle(3, b => b
            .Varint(BundleLostEvents, 1)
            .Event(70, 3, BinderTransactionReceived, r => r.Varint(1, 1))));

        var (events, source) = Read(trace);

        Assert.Equal([EventKind.LostEvents, EventKind.BinderTransactionReceived], events.Select(e => e.Kind));
        Assert.Equal((70L, 3, -1L), (events[0].Timestamp, events[0].Cpu, events[0].LostCount));
        Assert.Equal(1, source.Diagnostics.LostEventMarkers);
        Assert.Equal(1, source.Diagnostics.LostEventMarkersWithoutCount);
    }

    [Fact]
    public void Ring_buffer_overruns_between_the_start_and_end_stats_are_lost_events()
    {
        // FtraceStats { phase = 1 (1 start, 2 end); cpu_stats = 2 { cpu = 1; overrun = 3 } }.
        static byte[] Stats(int phase, long overrun) =>
            Packet(p => p.Message(FtraceStats, s => s.Varint(1, phase).Message(2, c => c.Varint(1, 1).Varint(3, overrun))));

        var (_, source) = Read(Of(Stats(1, 5), Bundle(1, b => b.Event(1, 2, BinderTransactionReceived, r => r.Varint(1, 1))), Stats(2, 12)));

        Assert.Equal(7, source.Diagnostics.LostEventsPerCpu[1]);
    }

    [Fact]
    public void Legacy_generic_events_and_typed_protos_map_to_the_text_readers_typed_events()
    {
        // GenericFtraceEvent { event_name = 1; field = 2 { name = 1; str_value = 3; int_value = 4; uint_value = 5 } }.
        var trace = Of(Bundle(0, b => b
            .Event(10, 5, Generic, g => g
                .String(1, "binder_update_page_range")
                .Message(2, f => f.String(1, "proc").Varint(4, 5))
                .Message(2, f => f.String(1, "allocate").Varint(5, 1))
                .Message(2, f => f.String(1, "offset").Varint(5, 4096))
                .Message(2, f => f.String(1, "size").Varint(5, 8192)))
            .Event(20, 5, BinderCommand, c => c.Varint(1, 0x40406300))
            .Event(30, 5, Print, p => p.Varint(1, unchecked((long)0xffffffff81000000)).String(2, "B|5|draw\n"))
            .Event(40, 5, Generic, g => g.String(1, "some_other_event").Message(2, f => f.String(1, "x").Varint(4, -3)))));

        var (events, source) = Read(trace);

        Assert.Equal(new PageRangeUpdate(5, true, 4096, 8192), events[0].PageRange);

        // BC_TRANSACTION = _IOW('c', 0, struct binder_transaction_data): 0x40406300, _IOC_NR 0 (uapi binder.h).
        Assert.Equal(new BinderCommandEvent(0x40406300, "BC_TRANSACTION"), events[1].Command);
        Assert.Equal((EventKind.TracingMark, "B|5|draw"), (events[2].Kind, events[2].Text));
        Assert.Equal((EventKind.Generic, "some_other_event", "x=-3"), (events[3].Kind, events[3].Name, events[3].Text));
        Assert.True(source.Diagnostics.IsClean);
    }

    [Fact]
    public void Process_tree_names_threads_and_their_thread_groups()
    {
        // ProcessTree { processes = 1 { pid = 1; cmdline = 3 }; threads = 2 { tid = 1; name = 2; tgid = 3 } }.
        var tree = Packet(p => p.Message(ProcessTree, t => t
            .Message(1, proc => proc.Varint(1, 100).String(3, "/system/bin/surfaceflinger").String(3, "--flag"))
            .Message(2, thread => thread.Varint(1, 101).String(2, "binder:100_1").Varint(3, 100))));
        var trace = Of(tree, Bundle(0, b => b
            .Event(10, 101, BinderTransactionReceived, r => r.Varint(1, 1))
            .Event(20, 100, BinderTransactionReceived, r => r.Varint(1, 2))
            .Event(30, 555, BinderTransactionReceived, r => r.Varint(1, 3))
            .Event(40, 0, BinderTransactionReceived, r => r.Varint(1, 4))));

        var (events, _) = Read(trace);

        Assert.Equal(
            [("binder:100_1", 100), ("surfaceflinger", 100), ("<...>", -1), ("<idle>", 0)],
            events.Select(e => (e.Comm, e.Tgid)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bundles_of_different_cpus_come_out_merged_in_timestamp_order(bool withSystemInfo)
    {
        // SystemInfo (TracePacket 45) { num_cpus = 8 }.
        var systemInfo = Packet(p => p.Message(45, s => s.Varint(8, 2)));
        var bundles = new[]
        {
            Bundle(0, b => b.Event(10, 1, BinderTransactionReceived, r => r.Varint(1, 1)).Event(30, 1, BinderTransactionReceived, r => r.Varint(1, 3))),
            Bundle(1, b => b.Event(20, 2, BinderTransactionReceived, r => r.Varint(1, 2)).Event(40, 2, BinderTransactionReceived, r => r.Varint(1, 4))),
            Bundle(0, b => b.Event(50, 1, BinderTransactionReceived, r => r.Varint(1, 5))),
            Bundle(1, b => b.Event(45, 2, BinderTransactionReceived, r => r.Varint(1, 6))),
        };
        var trace = Of(withSystemInfo ? [systemInfo, .. bundles] : bundles);

        var (events, source) = Read(trace);

        Assert.Equal([1, 2, 3, 4, 6, 5], events.Select(e => e.TransactionId));
        Assert.Equal(0, source.Diagnostics.LateEvents);
        Assert.Equal(withSystemInfo ? 2 : null, source.Info.HeaderCpuCount);
    }

    [Fact]
    public void A_cpu_whose_events_come_later_than_the_merge_window_allows_is_counted_late()
    {
        // The window cannot go below 65,536 events (a smaller ParseOptions.ReorderWindow is raised to it): CPU 0
        // brings 70,000 events from timestamp 10 before CPU 1's first bundle, at timestamp 20, arrives.
        var cpu0 = Bundle(0, b =>
        {
            for (var i = 0; i < 70_000; i++)
            {
                b.Event(10 + i, 1, BinderTransactionReceived, r => r.Varint(1, 7));
            }
        });
        var cpu1 = Bundle(1, b => b.Event(20, 2, BinderTransactionReceived, r => r.Varint(1, 2)));

        var (events, source) = Read(Of(cpu0, cpu1));

        Assert.Equal(70_001, events.Count);
        Assert.Equal(1, source.Diagnostics.LateEvents);
    }

    [Fact]
    public void Text_that_starts_with_a_newline_is_still_text()
    {
        var (events, source) = TraceInput.Parse("\n          <idle>-0     [001] d..2.   100.000001: binder_transaction_received: transaction=9\n");

        Assert.Equal(TraceFormat.FtracePipe, source.Info.Format);
        Assert.Equal(9, Assert.Single(events).TransactionId);
    }

    private static (List<TraceEvent> Events, ITraceEventSource Source) Read(byte[] trace, ParseOptions? options = null)
    {
        var source = TraceInput.Open(trace, options);
        return (TraceInput.ReadAll(source), source);
    }

    private static string Describe(TraceEvent e) => $"{e.Timestamp} {e.Cpu} {e.Pid} {e.Kind} {e.Name} {e.Text} {e.Text2} {(e.Kind == EventKind.SchedSwitch ? e.SchedSwitch.ToString() : "")}";
}
