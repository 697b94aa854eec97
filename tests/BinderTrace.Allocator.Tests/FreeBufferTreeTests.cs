using BinderTrace.Allocator.Model;

namespace BinderTrace.Tests;

public sealed class FreeBufferTreeTests
{
    [Fact]
    public void Exact_fit_takes_the_first_equal_node_the_descent_meets()
    {
        // Three equal keys inserted 0, 1, 2 (equal keys go right): 0 black root, 1 red right, then 2 right of 1 →
        // red-red → left rotation at 0: 1 becomes the black root with 0 and 2 as red children.
        // Exact descent stops at the root: 1. Erasing 1 (two children) relinks its successor 2 into the root: then 2, then 0.
        var tree = new FreeBufferTree();
        tree.Insert(0, 100);
        tree.Insert(1, 100);
        tree.Insert(2, 100);
        Assert.Equal(1, tree.TakeBestFit(100));
        Assert.Equal(2, tree.TakeBestFit(100));
        Assert.Equal(0, tree.TakeBestFit(100));
        Assert.Equal(-1, tree.TakeBestFit(100));
    }

    [Fact]
    public void Larger_fit_takes_the_in_order_first_of_the_smallest_larger_size()
    {
        var tree = new FreeBufferTree();
        tree.Insert(0, 100);
        tree.Insert(1, 100);
        tree.Insert(2, 100);
        tree.Insert(3, 500);
        Assert.Equal(0, tree.TakeBestFit(50));
        Assert.Equal(3, tree.TakeBestFit(101));
    }

    [Fact]
    public void Random_inserts_and_erases_keep_the_red_black_invariants()
    {
        var rng = new Random(1234);
        var tree = new FreeBufferTree();
        var present = new List<int>();
        var free = Enumerable.Range(0, 300).ToList();
        for (var step = 0; step < 20_000; step++)
        {
            if (free.Count > 0 && (present.Count == 0 || rng.Next(2) == 0))
            {
                var node = free[^1];
                free.RemoveAt(free.Count - 1);
                tree.Insert(node, rng.Next(1, 40) * 8);
                present.Add(node);
            }
            else
            {
                var i = rng.Next(present.Count);
                tree.Remove(present[i]);
                free.Add(present[i]);
                present.RemoveAt(i);
            }

            tree.Validate();
            Assert.Equal(present.Count, tree.Count);
        }
    }
}
