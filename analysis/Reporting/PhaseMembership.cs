namespace BinderTrace.Analysis.Reporting;

/// <summary>
/// Which phases (bits of a mask, one per broken-down phase name) were open at a given time: a span holds times from
/// its begin marker to its end marker, both included. A record belongs to the phases open at its start, which may
/// lie long before the record closes, so the history is kept: one entry per phase marker that changed the mask.
/// </summary>
internal sealed class PhaseMembership
{
    private readonly List<(long From, uint Mask)> _changes = [];

    /// <summary>The phases open at <paramref name="timestamp"/> (0 before the first marker).</summary>
    public uint MaskAt(long timestamp)
    {
        var count = _changes.Count;
        if (count == 0 || timestamp < _changes[0].From)
        {
            return 0;
        }

        // Most records start after the last phase marker.
        if (timestamp >= _changes[count - 1].From)
        {
            return _changes[count - 1].Mask;
        }

        int low = 0, high = count - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (_changes[mid].From <= timestamp)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return _changes[low].Mask;
    }

    /// <summary>Phase <paramref name="bit"/> is open from <paramref name="from"/> on.</summary>
    public void Open(int bit, long from) => Change(from, 1u << bit, open: true);

    /// <summary>Phase <paramref name="bit"/>'s span ended with a marker at <paramref name="endMarker"/> (which still belongs to it).</summary>
    public void Close(int bit, long endMarker) => Change(endMarker + 1, 1u << bit, open: false);

    private void Change(long from, uint bit, bool open)
    {
        // Markers come in time order, so only a close's entry (one nanosecond after its marker) can lie ahead.
        var i = _changes.Count;
        while (i > 0 && _changes[i - 1].From >= from)
        {
            i--;
        }

        if (i == _changes.Count || _changes[i].From != from)
        {
            _changes.Insert(i, (from, i > 0 ? _changes[i - 1].Mask : 0));
        }

        for (var j = i; j < _changes.Count; j++)
        {
            var mask = _changes[j].Mask;
            _changes[j] = (_changes[j].From, open ? mask | bit : mask & ~bit);
        }
    }
}
