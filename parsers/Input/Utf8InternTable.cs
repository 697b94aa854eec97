using System.Buffers.Binary;

namespace BinderTrace.Parsers.Input;

/// <summary>
/// Turns repeated byte strings (comms, event names, memcg paths) into one shared <see cref="string"/> each,
/// so a trace with millions of lines allocates a string per distinct name, not per line. Each entry carries
/// an integer tag chosen when it is first added (the event kind for event names). Bounded: past
/// <see cref="MaxEntries"/> new strings are returned without being stored.
/// <para>
/// A table made with a <c>backing</c> table is one thread's cache of that shared table: a miss takes the string
/// (and tag) from the backing table under its lock, so every thread hands out the very same string instance a
/// single-threaded parse would.
/// </para>
/// </summary>
internal sealed class Utf8InternTable(Utf8InternTable? backing = null)
{
    public const int MaxEntries = 1 << 16;

    private readonly Utf8InternTable? _backing = backing;

    // Open addressing with the entries in the slots themselves: one memory access per probe on the hot path.
    private Entry[] _slots = new Entry[256];
    private int _count;

    public int Count => _count;

    /// <summary>The interned string for <paramref name="utf8"/>; <paramref name="tagIfNew"/> computes the tag on first sight.</summary>
    public string Intern(ReadOnlySpan<byte> utf8, out int tag, Func<string, int>? tagIfNew = null) =>
        Intern(utf8, out tag, tagIfNew, out _);

    private string Intern(ReadOnlySpan<byte> utf8, out int tag, Func<string, int>? tagIfNew, out bool kept)
    {
        var hash = Hash(utf8);
        var mask = _slots.Length - 1;
        var slot = (int)hash & mask;
        while (true)
        {
            ref var entry = ref _slots[slot];
            if (entry.Key is null)
            {
                break;
            }

            if (entry.Hash == hash && utf8.SequenceEqual(entry.Key))
            {
                tag = entry.Tag;
                kept = true;
                return entry.Value;
            }

            slot = (slot + 1) & mask;
        }

        string value;
        if (_backing is null)
        {
            value = System.Text.Encoding.UTF8.GetString(utf8);
            tag = tagIfNew?.Invoke(value) ?? 0;
            kept = _count < MaxEntries;
        }
        else
        {
            lock (_backing)
            {
                value = _backing.Intern(utf8, out tag, tagIfNew, out kept);
            }
        }

        if (kept && _count < MaxEntries)
        {
            _slots[slot] = new Entry(utf8.ToArray(), value, tag, hash);
            if (++_count * 2 > _slots.Length)
            {
                Grow();
            }
        }

        return value;
    }

    public string Intern(ReadOnlySpan<byte> utf8) => Intern(utf8, out _);

    private void Grow()
    {
        var old = _slots;
        _slots = new Entry[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var entry in old)
        {
            if (entry.Key is null)
            {
                continue;
            }

            var slot = (int)entry.Hash & mask;
            while (_slots[slot].Key is not null)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = entry;
        }
    }

    // Hashes the length and the first and last 8 bytes, which covers a whole comm (at most 15 bytes) and
    // tells event names apart; this runs twice per trace line, so it must not loop over bytes.
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        ulong head, tail;
        if (utf8.Length >= sizeof(ulong))
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..]);
        }
        else
        {
            head = 0;
            foreach (var b in utf8)
            {
                head = (head << 8) | b;
            }

            tail = 0;
        }

        var mixed = ((head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL)) + (ulong)utf8.Length;
        mixed ^= mixed >> 29;
        return (uint)(mixed ^ (mixed >> 32));
    }

    private readonly record struct Entry(byte[]? Key, string Value, int Tag, uint Hash);
}
