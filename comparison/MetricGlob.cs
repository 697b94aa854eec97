namespace BinderTrace.Comparison;

/// <summary>
/// <c>--metrics</c> patterns: comma-separated globs over metric paths, <c>*</c> for any run of characters
/// (dots included, so <c>pages.*</c> is every page metric) and <c>?</c> for one character.
/// </summary>
public static class MetricGlob
{
    /// <summary>The patterns of a comma-separated list; empty entries are an error, not "everything".</summary>
    public static IReadOnlyList<string> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var patterns = text.Split(',', StringSplitOptions.TrimEntries);
        if (patterns.Any(p => p.Length == 0))
        {
            throw new ComparisonInputException($"--metrics: empty pattern in \"{text}\" (expected GLOB[,GLOB], e.g. \"pages.install_ns.*,*.p99\")");
        }

        return patterns;
    }

    public static bool MatchesAny(IEnumerable<string> patterns, string path)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        return patterns.Any(p => IsMatch(p, path));
    }

    public static bool IsMatch(string pattern, string path)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(path);
        int p = 0, s = 0, star = -1, resume = 0;
        while (s < path.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == path[s]))
            {
                p++;
                s++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = s;
            }
            else if (star >= 0)
            {
                p = star + 1;
                s = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
