using System.Runtime.CompilerServices;
using System.Text;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// BYTE_ARRAY UTF-8 strings. With <see cref="ParquetColumn.Dictionary"/> the chunk is RLE_DICTIONARY-encoded
/// (one PLAIN dictionary page, then bit-packed indices); when a row group's dictionary outgrows its limits the
/// whole chunk falls back to PLAIN, so one chunk never mixes encodings.
/// </summary>
internal sealed class StringColumnBuffer : ColumnBuffer
{
    private const int MaxDictionaryEntries = 1 << 16;
    private const int MaxDictionaryBytes = 1 << 20;
    private const int IdentityCacheSlots = 256;

    private readonly Dictionary<string, int> _dictionary = new(StringComparer.Ordinal);
    private readonly PageBodyBuffer _dictionaryPage = new();
    private readonly List<string> _entries = [];
    private int[] _indices = new int[1024];
    private byte[] _utf8 = new byte[4096];
    private int[] _ends = new int[1024];
    private int _count;
    private int _utf8Length;
    private bool _dictionaryMode;
    private readonly string?[] _cachedValues = new string?[IdentityCacheSlots];
    private readonly int[] _cachedIndexes = new int[IdentityCacheSlots];

    public StringColumnBuffer(ParquetColumn column)
        : base(column)
    {
        _dictionaryMode = column.Dictionary;
    }

    protected override long ValueBytes => (_count * 4L) + _utf8Length + _dictionaryPage.Length;

    /// <summary>Stores the value of row <paramref name="row"/>; rows skipped since the last value are nulls.</summary>
    public void AppendAt(int row, string value)
    {
        MarkPresent(row);
        if (_dictionaryMode)
        {
            AppendIndex(IndexOf(value));
        }

        if (!_dictionaryMode)
        {
            AppendPlain(value);
        }
    }

    public override void Reset()
    {
        base.Reset();
        _dictionary.Clear();
        _entries.Clear();
        _dictionaryPage.Clear();
        _count = 0;
        _utf8Length = 0;
        _dictionaryMode = Column.Dictionary;
        Array.Clear(_cachedValues);
    }

    protected override ParquetEncoding WriteDictionaryPage(ColumnChunkWriter writer, PageBodyBuffer body)
    {
        if (_dictionaryMode && _entries.Count == 0)
        {
            // Every row of the chunk is null: an empty dictionary page would be legal but needlessly exotic.
            _dictionaryMode = false;
        }

        if (!_dictionaryMode)
        {
            return ParquetEncoding.Plain;
        }

        writer.WriteDictionaryPage(_dictionaryPage.WrittenSpan, _entries.Count);
        return ParquetEncoding.RleDictionary;
    }

    protected override void WriteValues(int start, int count, PageBodyBuffer body)
    {
        if (_dictionaryMode)
        {
            var bitWidth = RleHybridEncoder.BitWidthFor(Math.Max(0, _entries.Count - 1));
            body.GetSpan(1)[0] = (byte)bitWidth;
            body.Advance(1);
            RleHybridEncoder.Encode<int>(_indices.AsSpan(start, count), bitWidth, body);
            return;
        }

        for (var i = start; i < start + count; i++)
        {
            var begin = i == 0 ? 0 : _ends[i - 1];
            PlainEncoding.WriteByteArray(_utf8.AsSpan(begin, _ends[i] - begin), body);
        }
    }

    /// <summary>The entry's index, or -1 after switching the chunk to PLAIN because the dictionary grew too big.</summary>
    private int IndexOf(string value)
    {
        // Parsers hand out one string instance per distinct comm or name, so a cache by identity (a direct-mapped
        // table keyed by the object's address hash) answers most lookups without hashing the text.
        var slot = RuntimeHelpers.GetHashCode(value) & (IdentityCacheSlots - 1);
        if (ReferenceEquals(_cachedValues[slot], value))
        {
            return _cachedIndexes[slot];
        }

        if (!_dictionary.TryGetValue(value, out var index))
        {
            if (_entries.Count >= MaxDictionaryEntries || _dictionaryPage.Length >= MaxDictionaryBytes)
            {
                FallBackToPlain();
                return -1;
            }

            index = _entries.Count;
            _dictionary.Add(value, index);
            _entries.Add(value);
            PlainEncoding.WriteByteArray(Encoding.UTF8.GetBytes(value), _dictionaryPage);
        }

        _cachedValues[slot] = value;
        _cachedIndexes[slot] = index;
        return index;
    }

    private void AppendIndex(int index)
    {
        if (index < 0)
        {
            return;
        }

        if (_count == _indices.Length)
        {
            Array.Resize(ref _indices, _indices.Length * 2);
        }

        _indices[_count++] = index;
    }

    private void FallBackToPlain()
    {
        _dictionaryMode = false;
        var indexed = _count;
        _count = 0;
        _utf8Length = 0;
        for (var i = 0; i < indexed; i++)
        {
            AppendPlain(_entries[_indices[i]]);
        }

        _dictionary.Clear();
        _entries.Clear();
        _dictionaryPage.Clear();
        Array.Clear(_cachedValues);
    }

    private void AppendPlain(string value)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8Length + maxBytes > _utf8.Length)
        {
            Array.Resize(ref _utf8, Math.Max(_utf8Length + maxBytes, _utf8.Length * 2));
        }

        _utf8Length += Encoding.UTF8.GetBytes(value, _utf8.AsSpan(_utf8Length));
        if (_count == _ends.Length)
        {
            Array.Resize(ref _ends, _ends.Length * 2);
        }

        _ends[_count++] = _utf8Length;
    }
}
