using BinderTrace.Analysis.Collections;

namespace BinderTrace.Tests;

/// <summary>The per-task table's cache is direct-mapped by pid modulo 256: pids that share a slot must still find their own entries.</summary>
public sealed class TaskTableTests
{
    /// <summary>5, 261 = 5 + 256 and -251 (two's complement: -251 &amp; 255 = 5) share one cache slot; each gets its own value back, in any order of lookups.</summary>
    [Fact]
    public void Pids_sharing_a_cache_slot_find_their_own_entries()
    {
        var table = new TaskTable<string>();
        table.Add(5, "five");
        table.Add(261, "two-six-one");
        table.Add(-251, "minus");

        Assert.True(table.TryGetValue(5, out var five));
        Assert.True(table.TryGetValue(261, out var other));
        Assert.True(table.TryGetValue(-251, out var minus));
        Assert.True(table.TryGetValue(5, out var fiveAgain));
        Assert.Equal(("five", "two-six-one", "minus", "five"), (five, other, minus, fiveAgain));
        Assert.False(table.TryGetValue(517, out _));
        Assert.False(table.TryGetValue(0, out _));
        Assert.Equal(["five", "two-six-one", "minus"], table.Values);
    }
}
