using BinderTrace.Events;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Parsers;

/// <summary>
/// One parsing thread's direct-mapped cache in front of the event-name <see cref="Utf8InternTable"/>: a trace uses a
/// few dozen names, so a slot picked from the name's length and two of its bytes nearly always holds it, and a
/// hit costs one byte comparison instead of a hash and a probe. A slot is only a shortcut to what the table
/// gave out for the same bytes, so hits and misses return the very same string and kind.
/// </summary>
internal sealed class RecentEventNames(Utf8InternTable names, Func<string, int> kindOfNewName)
{
    // 128 slots and this index put every typed kernel event name in a slot of its own.
    private const int SlotMask = 127;

    private readonly Slot[] _slots = new Slot[SlotMask + 1];

    public string Lookup(ReadOnlySpan<byte> utf8, out EventKind kind)
    {
        if (utf8.IsEmpty)
        {
            return Miss(utf8, out kind);
        }

        ref var slot = ref _slots[((utf8.Length * 31) + (utf8[^1] * 3) + utf8[utf8.Length >> 1]) & SlotMask];
        if (slot.Key is not null && utf8.SequenceEqual(slot.Key))
        {
            kind = slot.Kind;
            return slot.Name;
        }

        var name = Miss(utf8, out kind);
        // Typed names never share a slot, so letting only them take a slot over cannot make two frequent names
        // evict each other on every line (and allocate a key each time).
        if (slot.Key is null || kind != EventKind.Generic)
        {
            slot = new Slot(utf8.ToArray(), name, kind);
        }

        return name;
    }

    private string Miss(ReadOnlySpan<byte> utf8, out EventKind kind)
    {
        var name = names.Intern(utf8, out var tag, kindOfNewName);
        kind = (EventKind)tag;
        return name;
    }

    private readonly record struct Slot(byte[]? Key, string Name, EventKind Kind);
}
