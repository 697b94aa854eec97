using System.Runtime.CompilerServices;
using System.Text;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// BYTE_ARRAY UTF-8 strings. With <see cref="ParquetColumn.Dictionary"/> the chunk's pages are RLE_DICTIONARY-encoded
/// (bit-packed indices into one PLAIN dictionary page per chunk, written ahead of them at the end of the row group).
/// When the dictionary outgrows its limits, the rest of the chunk's pages fall back to PLAIN (Encodings.md allows
/// it; the pages already encoded keep their dictionary). A page without a value is PLAIN, so a chunk with no
/// value at all needs no (empty) dictionary.
/// </summary>
internal sealed class StringColumnBuffer : ColumnBuffer
{
    private const int MaxDictionaryEntries = 1 << 16;
    private const int MaxDictionaryBytes = 1 << 20;
    private const int IdentityCacheSlots = 256;

    private readonly Dictionary<string, int> _dictionary = new(StringComparer.Ordinal);
    private readonly PageBodyBuffer _dictionaryPage = new();
    private readonly List<string> _entries = [];
    private readonly string?[] _cachedValues = new string?[IdentityCacheSlots];
    private readonly int[] _cachedIndexes = new int[IdentityCacheSlots];
    private string? _lastValue;
    private int _lastIndex;
    private int[] _indices = new int[1024];
    private byte[] _utf8 = new byte[4096];
    private int[] _ends = new int[1024];
    private int _count;
    private int _utf8Length;
    private bool _dictionaryMode;
    private bool _dictionaryUsed;

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
        AppendValue(value);
    }

    /// <summary>
    /// Marks the <paramref name="count"/> rows from <paramref name="firstRow"/> on as holding values, which the caller then
    /// gives in row order through <see cref="AppendValue"/>: a required column's rows in one step instead of one per value.
    /// </summary>
    public void MarkRows(int firstRow, int count) => MarkPresent(firstRow, count);

    /// <summary>The value of the next row marked by <see cref="MarkRows"/>.</summary>
    public void AppendValue(string value) => AppendValues(value, 1);

    /// <summary>Stores <paramref name="value"/> as the value of the <paramref name="count"/> rows from <paramref name="firstRow"/> on.</summary>
    public void AppendRepeated(int firstRow, int count, string value)
    {
        if (count == 0)
        {
            return;
        }

        MarkPresent(firstRow, count);
        AppendValues(value, count);
    }

    public override void EndChunk(ColumnChunkWriter chunk)
    {
        if (_dictionaryUsed)
        {
            chunk.WriteDictionaryPage(_dictionaryPage.WrittenSpan, _entries.Count);
        }

        _dictionary.Clear();
        _entries.Clear();
        _dictionaryPage.Clear();
        _dictionaryMode = Column.Dictionary;
        _dictionaryUsed = false;
        Array.Clear(_cachedValues);
        _lastValue = null;
    }

    protected override void ResetPage()
    {
        base.ResetPage();
        _count = 0;
        _utf8Length = 0;
    }

    protected override ParquetEncoding WriteValues(int count, PageBodyBuffer body)
    {
        if (_dictionaryMode && count > 0)
        {
            RleHybridEncoder.EncodeDictionaryIndices(_indices.AsSpan(0, count), _entries.Count, body);
            _dictionaryUsed = true;
            return ParquetEncoding.RleDictionary;
        }

        for (var i = 0; i < count; i++)
        {
            var begin = i == 0 ? 0 : _ends[i - 1];
            PlainEncoding.WriteByteArray(_utf8.AsSpan(begin, _ends[i] - begin), body);
        }

        return ParquetEncoding.Plain;
    }

    /// <summary>The entry's index, or -1 after switching the rest of the chunk to PLAIN because the dictionary grew too big.</summary>
    private int IndexOf(string value)
    {
        // Parsers hand out one string instance per distinct comm or name, so a cache by identity (a direct-mapped
        // table keyed by the object's address hash) answers most lookups without hashing the text.
        var slot = RuntimeHelpers.GetHashCode(value) & (IdentityCacheSlots - 1);
        if (ReferenceEquals(_cachedValues[slot], value))
        {
            _lastValue = value;
            _lastIndex = _cachedIndexes[slot];
            return _lastIndex;
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
        _lastValue = value;
        _lastIndex = index;
        return index;
    }

    /// <summary>Appends <paramref name="value"/> <paramref name="count"/> times: as its dictionary index while the page is dictionary-encoded, else as text.</summary>
    private void AppendValues(string value, int count)
    {
        if (_dictionaryMode)
        {
            // Consecutive rows often repeat the value (a label column always does): the last one is checked first.
            var index = ReferenceEquals(_lastValue, value) ? _lastIndex : IndexOf(value);
            if (index >= 0)
            {
                if (_count + count > _indices.Length)
                {
                    Array.Resize(ref _indices, Math.Max(_count + count, _indices.Length * 2));
                }

                if (count == 1)
                {
                    _indices[_count] = index;
                }
                else
                {
                    _indices.AsSpan(_count, count).Fill(index);
                }

                _count += count;
                return;
            }
        }

        for (var i = 0; i < count; i++)
        {
            AppendPlain(value);
        }
    }

    /// <summary>Re-encodes the page being built as PLAIN; the dictionary is kept for the pages already written with it.</summary>
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
        Array.Clear(_cachedValues);
        _lastValue = null;
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
