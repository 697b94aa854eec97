using System.Reflection;

namespace BinderTrace.Tests;

/// <summary>Issue 13: no two namespaces of one project use each other, directly or through others.</summary>
public sealed class NamespaceCycleTests
{
    public static TheoryData<string> Assemblies() =>
    [
        "BinderTrace.Parsers", "BinderTrace.Pipeline", "BinderTrace.Analysis", "BinderTrace.Comparison",
        "BinderTrace.Allocator", "BinderTrace.Export", "BinderTrace.Pictures", "bindertrace",
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_namespace_of_a_project_depends_on_itself_through_another(string assembly)
    {
        var edges = NamespaceDependencies.Of(Assembly.Load(assembly)).Edges;

        var cycles = NamespaceDependencies.Cycles(edges);

        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(cycle => "cycle: " + string.Join(" <-> ", cycle) + "\n  " +
            string.Join("\n  ", cycle.SelectMany(from => edges.TryGetValue(from, out var to)
                ? to.Where(t => cycle.Contains(t.Key)).Select(t => t.Value)
                : [])))));
    }

    [Fact]
    public void The_reader_sees_uses_in_signatures_and_in_method_bodies()
    {
        // Known uses, so a reader that saw nothing cannot pass the cycle test: TraceAnalyzer's fields hold the
        // trackers (Reporting -> Locks, a signature), and SimulatedTraceSource's constructor calls
        // AllocatorDesigns.Resolve only in its body (Output -> Designs).
        var analysis = NamespaceDependencies.Of(Assembly.Load("BinderTrace.Analysis")).Edges;
        var allocator = NamespaceDependencies.Of(Assembly.Load("BinderTrace.Allocator")).Edges;

        Assert.Contains("BinderTrace.Analysis.Locks", analysis["BinderTrace.Analysis.Reporting"].Keys);
        Assert.Contains("BinderTrace.Allocator.Designs", allocator["BinderTrace.Allocator.Output"].Keys);
    }

    [Fact]
    public void A_cycle_through_three_namespaces_is_found_and_a_chain_is_not()
    {
        static SortedDictionary<string, string> To(params string[] targets) => new(targets.ToDictionary(t => t, t => "use of " + t), StringComparer.Ordinal);
        var cyclic = new Dictionary<string, SortedDictionary<string, string>> { ["A"] = To("B"), ["B"] = To("C"), ["C"] = To("A", "D") };
        var chain = new Dictionary<string, SortedDictionary<string, string>> { ["A"] = To("B"), ["B"] = To("C"), ["C"] = To("D") };

        Assert.Equal([["A", "B", "C"]], NamespaceDependencies.Cycles(cyclic));
        Assert.Empty(NamespaceDependencies.Cycles(chain));
    }
}
