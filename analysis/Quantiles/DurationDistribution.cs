using System.Numerics;

namespace BinderTrace.Analysis.Quantiles;

/// <summary>
/// Count, total, min, max and quantiles of non-negative durations in nanoseconds, with memory bounded
/// independently of how many values are added.
/// <para>
/// Method: the first <see cref="ExactCapacity"/> values are kept and quantiles are exact nearest-rank
/// (the value at rank ⌈p·n⌉ of the sorted values). Past that the values move into a log-linear histogram
/// (HdrHistogram-style): values below 256 ns have one bucket each; above, every power of two is split
/// into 128 equal buckets, so a bucket is at most 1/128 of its lower bound wide. A quantile is then the
/// nearest-rank bucket's midpoint, clamped to [min, max]: relative error at most 1/256. Buckets are
/// allocated one power of two at a time, so a histogram costs about 1 KiB per octave in use.
/// Count, total, min and max are always exact.
/// </para>
/// </summary>
public sealed class DurationDistribution
{
    public const int ExactCapacity = 1024;

    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int LinearLimit = SubBuckets * 2;

    private long[]? _exact = new long[16];
    private int _exactCount;
    private bool _exactSorted = true;
    private long[]? _linear;
    private long[]?[]? _octaves;

    public long Count { get; private set; }

    public long Total { get; private set; }

    /// <summary>Smallest value, or 0 when empty.</summary>
    public long Min { get; private set; }

    /// <summary>Largest value, or 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>True while every value is still kept and quantiles are exact.</summary>
    public bool IsExact => _exact is not null;

    /// <summary>Adds one duration; negative values are clamped to 0 (a clock that stepped back).</summary>
    public void Add(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        if (Count == 0)
        {
            Min = value;
            Max = value;
        }
        else
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
        }

        Count++;
        Total += value;
        if (_exact is not null)
        {
            if (_exactCount < ExactCapacity)
            {
                AppendExact(value);
                return;
            }

            SpillToHistogram();
        }

        AddToHistogram(value, 1);
    }

    /// <summary>Adds every value of <paramref name="other"/> (exactly when both together stay within capacity).</summary>
    public void Add(DurationDistribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        if (other._exact is not null)
        {
            for (var i = 0; i < other._exactCount; i++)
            {
                Add(other._exact[i]);
            }

            return;
        }

        var count = Count;
        var min = Min;
        var max = Max;
        var total = Total;
        if (_exact is not null)
        {
            SpillToHistogram();
        }

        other.ForEachBucket((representative, n) => AddToHistogram(representative, n));
        Count = count + other.Count;
        Total = total + other.Total;
        Min = count == 0 ? other.Min : Math.Min(min, other.Min);
        Max = count == 0 ? other.Max : Math.Max(max, other.Max);
    }

    /// <summary>Nearest-rank quantile for <paramref name="p"/> in [0, 1]; 0 when empty.</summary>
    public long Quantile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(Math.Clamp(p, 0, 1) * Count);
        rank = Math.Clamp(rank, 1, Count);
        if (_exact is not null)
        {
            SortExact();
            return _exact[rank - 1];
        }

        long seen = 0;
        long result = Max;
        var found = false;
        ForEachBucket((representative, n) =>
        {
            if (found)
            {
                return;
            }

            seen += n;
            if (seen >= rank)
            {
                result = representative;
                found = true;
            }
        });
        return Math.Clamp(result, Min, Max);
    }

    private void AppendExact(long value)
    {
        if (_exactCount == _exact!.Length)
        {
            Array.Resize(ref _exact, Math.Min(_exact.Length * 2, ExactCapacity));
        }

        if (_exactCount > 0 && value < _exact[_exactCount - 1])
        {
            _exactSorted = false;
        }

        _exact[_exactCount++] = value;
    }

    private void SortExact()
    {
        if (!_exactSorted)
        {
            Array.Sort(_exact!, 0, _exactCount);
            _exactSorted = true;
        }
    }

    private void SpillToHistogram()
    {
        var values = _exact!;
        var n = _exactCount;
        _exact = null;
        _exactCount = 0;
        for (var i = 0; i < n; i++)
        {
            AddToHistogram(values[i], 1);
        }
    }

    private void AddToHistogram(long value, long n)
    {
        if (value < LinearLimit)
        {
            _linear ??= new long[LinearLimit];
            _linear[value] += n;
            return;
        }

        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = exponent - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;
        _octaves ??= new long[64][];
        var octave = _octaves[shift] ??= new long[SubBuckets];
        octave[sub] += n;
    }

    /// <summary>Visits non-empty buckets in ascending value order with their midpoint and count.</summary>
    private void ForEachBucket(Action<long, long> visit)
    {
        if (_linear is not null)
        {
            for (var v = 0; v < LinearLimit; v++)
            {
                if (_linear[v] != 0)
                {
                    visit(v, _linear[v]);
                }
            }
        }

        if (_octaves is null)
        {
            return;
        }

        for (var shift = 1; shift < _octaves.Length; shift++)
        {
            var octave = _octaves[shift];
            if (octave is null)
            {
                continue;
            }

            for (var sub = 0; sub < SubBuckets; sub++)
            {
                if (octave[sub] == 0)
                {
                    continue;
                }

                var lower = (long)(SubBuckets + sub) << shift;
                var width = 1L << shift;
                visit(lower + (width / 2), octave[sub]);
            }
        }
    }
}
