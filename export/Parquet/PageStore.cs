namespace BinderTrace.Export.Parquet;

/// <summary>
/// The stored (compressed) pages of one column chunk until its row group is written, in fixed-size segments rented
/// from the file's <see cref="SegmentPool"/>. A contiguous doubling buffer per column held up to twice its bytes and
/// left its outgrown arrays on the large object heap; segments hold the bytes plus at most one partly filled segment,
/// and go back to the pool for the next row group.
/// </summary>
internal sealed class PageStore(SegmentPool pool)
{
    private readonly List<byte[]> _segments = [];
    private int _lastFill = SegmentPool.SegmentBytes;

    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_lastFill == SegmentPool.SegmentBytes)
            {
                _segments.Add(pool.Rent());
                _lastFill = 0;
            }

            var take = Math.Min(bytes.Length, SegmentPool.SegmentBytes - _lastFill);
            bytes[..take].CopyTo(_segments[^1].AsSpan(_lastFill));
            _lastFill += take;
            Length += take;
            bytes = bytes[take..];
        }
    }

    /// <summary>Writes the stored bytes in order; the store keeps them until <see cref="Clear"/>.</summary>
    public void CopyTo(ParquetOutput output)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            output.Write(_segments[i].AsSpan(0, i == _segments.Count - 1 ? _lastFill : SegmentPool.SegmentBytes));
        }
    }

    /// <summary>Empties the store and gives its segments back to the pool.</summary>
    public void Clear()
    {
        foreach (var segment in _segments)
        {
            pool.Return(segment);
        }

        _segments.Clear();
        _lastFill = SegmentPool.SegmentBytes;
        Length = 0;
    }
}

/// <summary>
/// The segments the <see cref="PageStore"/>s of one file share. Segments given back are kept for reuse, so the pool
/// holds the largest row group's stored pages and no more; a segment is under the large object heap's threshold.
/// </summary>
internal sealed class SegmentPool
{
    public const int SegmentBytes = 64 << 10;

    private readonly Stack<byte[]> _free = new();

    /// <summary>Segments handed out and not yet returned plus those kept for reuse.</summary>
    public int Allocated { get; private set; }

    public byte[] Rent()
    {
        if (_free.TryPop(out var segment))
        {
            return segment;
        }

        Allocated++;
        return new byte[SegmentBytes];
    }

    public void Return(byte[] segment) => _free.Push(segment);
}
