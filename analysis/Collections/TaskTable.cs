using System.Diagnostics.CodeAnalysis;

namespace BinderTrace.Analysis.Collections;

/// <summary>
/// Per-task state by pid that is never removed: a dictionary with a small direct-mapped cache in front, because the
/// trackers look a task up on nearly every event and a trace's events come from a few busy tasks at a time.
/// Enumeration is the dictionary's (the order tasks were added).
/// </summary>
internal sealed class TaskTable<T>
    where T : class
{
    private const int CacheSize = 256;

    private readonly Dictionary<int, T> _byPid = [];
    private readonly (int Pid, T? Value)[] _cache = new (int, T?)[CacheSize];

    public int Count => _byPid.Count;

    public Dictionary<int, T>.ValueCollection Values => _byPid.Values;

    public bool TryGetValue(int pid, [NotNullWhen(true)] out T? value)
    {
        ref var slot = ref _cache[pid & (CacheSize - 1)];
        if (slot.Pid == pid && slot.Value is { } cached)
        {
            value = cached;
            return true;
        }

        if (!_byPid.TryGetValue(pid, out value))
        {
            return false;
        }

        slot = (pid, value);
        return true;
    }

    public void Add(int pid, T value)
    {
        _byPid.Add(pid, value);
        _cache[pid & (CacheSize - 1)] = (pid, value);
    }
}
