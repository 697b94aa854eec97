using BinderTrace.Export;
using BinderTrace.Export.Parquet;
using BinderTrace.Export.Tables;

namespace BinderTrace.Tests;

/// <summary>
/// A disk that fills while a table is written: the writer's failure is an <see cref="ExportWriteException"/> naming
/// the file and the system's reason, which the command line maps to exit 74 (output failed), not 70 (a bug).
/// </summary>
public sealed class ExportWriteFailureTests
{
    [Theory]
    [InlineData(0.0)]      // the "PAR1" magic
    [InlineData(0.5)]      // a data page part-way through
    [InlineData(1.0)]      // the last byte: the footer's closing "PAR1"
    public void A_full_disk_anywhere_in_the_file_is_an_export_write_error_naming_the_file(double share)
    {
        var table = new TableDefinition<long>("t").Int64("v", static (in long v) => v);
        var whole = new MemoryStream();
        Write(table, whole);
        var output = new OutputFileStream(new FullDiskStream((int)(share * (whole.Length - 1))), "/data/out/t.parquet");

        var error = Assert.Throws<ExportWriteException>(() => Write(table, output));

        Assert.Equal("/data/out/t.parquet", error.Path);
        Assert.Equal("/data/out/t.parquet: No space left on device", error.Message);
        Assert.IsType<IOException>(error.InnerException);
    }

    private static void Write(TableDefinition<long> table, Stream stream)
    {
        var writer = new ParquetTableWriter<long>(table, stream, new ParquetWriterOptions { PageRows = 1000 });
        writer.Append(Enumerable.Range(0, 10_000).Select(i => (long)i).ToArray());
        writer.Complete();
        stream.Flush();
    }

    /// <summary>Takes <paramref name="capacity"/> bytes, then fails as write(2) does with ENOSPC.</summary>
    private sealed class FullDiskStream(int capacity) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position
        {
            get => _written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > capacity)
            {
                throw new IOException("No space left on device");
            }

            _written += buffer.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
