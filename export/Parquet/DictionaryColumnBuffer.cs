using System.Runtime.CompilerServices;

namespace BinderTrace.Export.Parquet;

/// <summary>
/// INT32 and INT64 values (incl. unsigned annotations) RLE_DICTIONARY-encoded: one PLAIN dictionary page per chunk
/// (written ahead of the data pages at the end of the row group) and bit-packed indices in the data pages. Trace
/// columns such as cpu, pid or the binder procs hold a few hundred distinct values in half a million rows, so an index
/// takes a few bits where PLAIN spends 32 or 64, and the compressor has a fraction of the bytes to chew.
/// <para>
/// Values are appended as PLAIN ones are (the same tight loops) and indexed when their page is written. A chunk whose
/// dictionary outgrows <see cref="MaxEntries"/>, or turns out not to repeat its values, writes the rest of its pages
/// PLAIN (Encodings.md allows it; the pages already written keep their dictionary).
/// </para>
/// </summary>
internal sealed class DictionaryColumnBuffer<T> : ValueColumnBuffer<T>
    where T : unmanaged
{
    /// <summary>Entries of one chunk's dictionary: 512 KiB of INT64, and indices of at most 16 bits.</summary>
    internal const int MaxEntries = 1 << 16;

    /// <summary>Entries past which a chunk whose values are mostly distinct gives up the dictionary (see <see cref="Repeats"/>).</summary>
    internal const int DistinctCheckEntries = 1 << 12;

    private readonly ValueIndex _index = new();
    private readonly PageBodyBuffer _dictionaryPage = new();
    private T[] _entries = new T[256];
    private int _entryCount;
    private int[] _indices = new int[1024];
    private long _chunkValues;
    private bool _dictionaryMode = true;
    private bool _dictionaryUsed;

    public DictionaryColumnBuffer(ParquetColumn column)
        : base(column)
    {
        if (Unsafe.SizeOf<T>() is not (4 or 8))
        {
            throw new ArgumentException($"Column '{column.Name}': dictionary encoding takes 4- or 8-byte integers, not {typeof(T).Name}.", nameof(column));
        }
    }

    protected override long ValueBytes => base.ValueBytes + ((long)_entryCount * Unsafe.SizeOf<T>());

    public override void EndChunk(ColumnChunkWriter chunk)
    {
        if (_dictionaryUsed)
        {
            _dictionaryPage.Clear();
            PlainEncoding.WriteFixedWidth<T>(_entries.AsSpan(0, _entryCount), _dictionaryPage);
            chunk.WriteDictionaryPage(_dictionaryPage.WrittenSpan, _entryCount);
        }

        _index.Clear();
        _entryCount = 0;
        _chunkValues = 0;
        _dictionaryMode = true;
        _dictionaryUsed = false;
    }

    protected override ParquetEncoding WriteValues(int count, PageBodyBuffer body)
    {
        var values = Values(count);
        if (_dictionaryMode && count > 0 && TryIndex(values))
        {
            RleHybridEncoder.EncodeDictionaryIndices(_indices.AsSpan(0, count), _entryCount, body);
            _dictionaryUsed = true;
            return ParquetEncoding.RleDictionary;
        }

        PlainEncoding.WriteFixedWidth(values, body);
        return ParquetEncoding.Plain;
    }

    /// <summary>Indexes the page's values into <see cref="_indices"/>; false (and PLAIN from here to the chunk's end) when the dictionary does not pay.</summary>
    private bool TryIndex(ReadOnlySpan<T> values)
    {
        if (_indices.Length < values.Length)
        {
            _indices = new int[Math.Max(values.Length, _indices.Length * 2)];
        }

        var indices = _indices.AsSpan(0, values.Length);
        // Consecutive rows often repeat a value (a cpu, a task's pid): the last one is checked before the table.
        var lastKey = KeyOf(values[0]) + 1;
        var lastIndex = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var key = KeyOf(values[i]);
            if (key != lastKey)
            {
                lastIndex = _index.IndexOf(key, _entryCount);
                if (lastIndex == _entryCount)
                {
                    if (_entryCount == MaxEntries)
                    {
                        _dictionaryMode = false;
                        return false;
                    }

                    AddEntry(values[i]);
                }

                lastKey = key;
            }

            indices[i] = lastIndex;
        }

        _chunkValues += values.Length;
        if (!Repeats())
        {
            _dictionaryMode = false;
            return false;
        }

        return true;
    }

    /// <summary>
    /// A column of mostly distinct values (addresses, transaction ids in a short trace) would pay a dictionary entry per
    /// value and gain nothing: once it has <see cref="DistinctCheckEntries"/> entries, each must stand for two values on average.
    /// </summary>
    private bool Repeats() => _entryCount < DistinctCheckEntries || _entryCount * 2L <= _chunkValues;

    private void AddEntry(T value)
    {
        if (_entryCount == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_entryCount++] = value;
    }

    /// <summary>The value's bits as a key: the type is 4 or 8 bytes wide (checked once in the constructor).</summary>
    private static ulong KeyOf(T value) => Unsafe.SizeOf<T>() == 4 ? Unsafe.BitCast<T, uint>(value) : Unsafe.BitCast<T, ulong>(value);

    /// <summary>
    /// An open-addressing hash table from a value's bits to its dictionary index (Fibonacci hashing, linear probing, at
    /// most half full), which for integer keys costs a multiply and a probe or two instead of a <see cref="Dictionary{TKey, TValue}"/>'s
    /// equality comparer calls.
    /// </summary>
    private sealed class ValueIndex
    {
        private ulong[] _keys = new ulong[1024];

        /// <summary>Per slot, the entry's index + 1; 0 is an empty slot.</summary>
        private int[] _slots = new int[1024];
        private int _shift = 64 - 10;
        private int _count;

        /// <summary>The index of <paramref name="key"/>, or, when absent, <paramref name="next"/> after recording it under that index.</summary>
        public int IndexOf(ulong key, int next)
        {
            var mask = _slots.Length - 1;
            var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
            while (true)
            {
                var stored = _slots[slot];
                if (stored == 0)
                {
                    break;
                }

                if (_keys[slot] == key)
                {
                    return stored - 1;
                }

                slot = (slot + 1) & mask;
            }

            _keys[slot] = key;
            _slots[slot] = next + 1;
            if (++_count * 2 > _slots.Length)
            {
                Grow();
            }

            return next;
        }

        public void Clear()
        {
            Array.Clear(_slots);
            _count = 0;
        }

        private void Grow()
        {
            var keys = _keys;
            var slots = _slots;
            _keys = new ulong[keys.Length * 2];
            _slots = new int[slots.Length * 2];
            _shift--;
            var mask = _slots.Length - 1;
            for (var i = 0; i < slots.Length; i++)
            {
                if (slots[i] == 0)
                {
                    continue;
                }

                var slot = (int)((keys[i] * 0x9E3779B97F4A7C15UL) >> _shift);
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                _keys[slot] = keys[i];
                _slots[slot] = slots[i];
            }
        }
    }
}
