namespace BinderTrace.Allocator.Simulation;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a fixed
/// algorithm, so a seed gives the same stream on every runtime version (System.Random makes no such promise).
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [min, max].</summary>
    public long NextInRange(long min, long max) => max <= min ? min : min + (long)(NextUInt64() % (ulong)(max - min + 1));

    /// <summary>Exponentially distributed with the given mean, rounded to whole ns.</summary>
    public long NextExponential(long mean) => mean <= 0 ? 0 : (long)(-mean * Math.Log(1.0 - NextDouble()));

    public bool Chance(double probability) => probability > 0 && NextDouble() < probability;
}
