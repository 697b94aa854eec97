using System.CommandLine;
using System.CommandLine.Parsing;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>
/// A mistyped option (<c>--jsn</c>) is taken by the parser as one more trace path and would be reported as a
/// missing file; this names it for what it is. Words after <c>--</c> are paths whatever they look like.
/// </summary>
internal static class UnknownOptions
{
    public static IEnumerable<string> In(ParseResult parseResult)
    {
        var known = KnownNames(parseResult.CommandResult.Command);
        foreach (var token in parseResult.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                yield break;
            }

            if (token.Type == TokenType.Argument && token.Value.Length > 2 && token.Value.StartsWith("--", StringComparison.Ordinal))
            {
                var closest = known.OrderBy(name => EditDistance(name, token.Value)).FirstOrDefault();
                yield return closest is not null && EditDistance(closest, token.Value) <= 2
                    ? $"unknown option '{token.Value}' (did you mean {closest}?)"
                    : $"unknown option '{token.Value}'";
            }
        }
    }

    private static List<string> KnownNames(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.AddRange(current.Options.Where(o => ReferenceEquals(current, command) || o.Recursive).SelectMany(o => o.Aliases.Prepend(o.Name)));
        }

        return names.Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().ToList();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
