using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace BinderTrace.Analysis.Signature;

/// <summary>
/// Counts event-order shapes (short sequences of token strings such as "update_page_range free_lru") without
/// building a string per occurrence: sequences are walked through a trie keyed by token identity, and the
/// text of a shape is made once, when it is first seen. Tokens must be string constants (compared by reference).
/// </summary>
internal sealed class ShapeCounter
{
    private readonly Dictionary<(int Node, string Token), int> _children = new(TokenEdgeComparer.Instance);
    private readonly List<string> _text = [""];
    private readonly List<long> _counts = [0];

    // Per node, the edge taken last: a trace repeats a few shapes, so this mostly spares the dictionary.
    private readonly List<(string? Token, int Child)> _lastEdge = [(null, 0)];

    public void Count(List<string> tokens)
    {
        var node = 0;
        foreach (var token in CollectionsMarshal.AsSpan(tokens))
        {
            ref var last = ref CollectionsMarshal.AsSpan(_lastEdge)[node];
            if (ReferenceEquals(last.Token, token))
            {
                node = last.Child;
                continue;
            }

            if (!_children.TryGetValue((node, token), out var child))
            {
                child = _counts.Count;
                _children.Add((node, token), child);
                _text.Add(node == 0 ? token : _text[node] + " " + token);
                _counts.Add(0);
                _lastEdge.Add((null, 0));
            }

            CollectionsMarshal.AsSpan(_lastEdge)[node] = (token, child);
            node = child;
        }

        CollectionsMarshal.AsSpan(_counts)[node]++;
    }

    public Dictionary<string, long> ToDictionary() => ToDictionary(CollectionsMarshal.AsSpan(_counts));

    /// <summary>The count of every shape so far, by node (a snapshot: one copy, no text).</summary>
    public long[] CountsByNode() => [.. _counts];

    /// <summary>Shapes with a non-zero count in <paramref name="counts"/> (counts by node, as <see cref="CountsByNode"/> gives them).</summary>
    public Dictionary<string, long> ToDictionary(ReadOnlySpan<long> counts)
    {
        var shapes = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var node = 1; node < counts.Length; node++)
        {
            if (counts[node] != 0)
            {
                shapes[_text[node]] = counts[node];
            }
        }

        return shapes;
    }

    private sealed class TokenEdgeComparer : IEqualityComparer<(int Node, string Token)>
    {
        public static readonly TokenEdgeComparer Instance = new();

        public bool Equals((int Node, string Token) x, (int Node, string Token) y) => x.Node == y.Node && ReferenceEquals(x.Token, y.Token);

        public int GetHashCode((int Node, string Token) edge) => HashCode.Combine(edge.Node, RuntimeHelpers.GetHashCode(edge.Token));
    }
}
