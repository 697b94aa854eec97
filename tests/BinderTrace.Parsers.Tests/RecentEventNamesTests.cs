using System.Text;
using BinderTrace.Events;
using BinderTrace.Parsers;
using BinderTrace.Parsers.Input;

namespace BinderTrace.Tests;

/// <summary>
/// The per-thread event-name cache must give what the intern table gives, also when two names share a slot. The slot
/// is (length * 31 + last byte * 3 + middle byte) &amp; 127, worked out by hand for the names used here:
/// "binder_ioctl_done": 17 * 31 + 'e' (101) * 3 + 'o' (111, byte 8) = 941, and 941 &amp; 127 = 45;
/// "abz": 3 * 31 + 'z' (122) * 3 + 'b' (98, byte 1) = 557, and 557 &amp; 127 = 45 as well;
/// "sched_switch": 12 * 31 + 'h' (104) * 3 + 's' (115, byte 6) = 799, and 799 &amp; 127 = 31;
/// "acu": 3 * 31 + 'u' (117) * 3 + 'c' (99, byte 1) = 543, and 543 &amp; 127 = 31.
/// </summary>
public class RecentEventNamesTests
{
    private static RecentEventNames NewCache() => new(new Utf8InternTable(), name => (int)EventNames.KindOf(name));

    private static string Lookup(RecentEventNames cache, string name, out EventKind kind) =>
        cache.Lookup(Encoding.UTF8.GetBytes(name), out kind);

    [Fact]
    public void Names_sharing_a_slot_each_come_back_with_their_own_kind()
    {
        var cache = NewCache();
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal("abz", Lookup(cache, "abz", out var generic));
            Assert.Equal(EventKind.Generic, generic);
            Assert.Equal("binder_ioctl_done", Lookup(cache, "binder_ioctl_done", out var typed));
            Assert.Equal(EventKind.BinderIoctlDone, typed);
        }
    }

    [Fact]
    public void A_generic_name_seen_after_a_typed_one_in_its_slot_does_not_change_either()
    {
        var cache = NewCache();
        Assert.Equal(EventKind.SchedSwitch, LookupKind(cache, "sched_switch"));
        Assert.Equal(EventKind.Generic, LookupKind(cache, "acu"));
        Assert.Equal(EventKind.SchedSwitch, LookupKind(cache, "sched_switch"));
        Assert.Equal(EventKind.Generic, LookupKind(cache, "acu"));
    }

    [Fact]
    public void Every_lookup_of_a_name_gives_the_one_interned_string()
    {
        var cache = NewCache();
        var first = Lookup(cache, "abz", out _);
        Lookup(cache, "binder_ioctl_done", out _);
        Assert.Same(first, Lookup(cache, "abz", out _));
        Assert.Same(Lookup(cache, "binder_ioctl_done", out _), Lookup(cache, "binder_ioctl_done", out _));
    }

    [Fact]
    public void Names_of_one_length_differing_in_a_byte_the_slot_ignores_are_told_apart()
    {
        // "abz" and "xbz" share length, last and middle byte, hence the slot; only the comparison tells them apart.
        var cache = NewCache();
        Assert.Equal("abz", Lookup(cache, "abz", out _));
        Assert.Equal("xbz", Lookup(cache, "xbz", out _));
        Assert.Equal("abz", Lookup(cache, "abz", out _));
    }

    private static EventKind LookupKind(RecentEventNames cache, string name)
    {
        Lookup(cache, name, out var kind);
        return kind;
    }
}
