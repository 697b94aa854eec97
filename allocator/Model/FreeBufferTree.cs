namespace BinderTrace.Allocator.Model;

/// <summary>
/// The kernel's <c>alloc->free_buffers</c>: a red-black tree keyed by buffer size only, so that best fit breaks
/// ties exactly as <c>binder_alloc_new_buf_locked</c> does. Insertion sends equal keys right
/// (<c>binder_insert_free_buffer</c>); the best-fit descent remembers a larger node and goes left, goes right on a
/// smaller one and stops at the first equal node it meets, which depends on the tree's shape. Rebalancing
/// follows lib/rbtree.c (the CLRS cases; erase relinks the in-order successor rather than copying keys), so the
/// shape, and with it every tie, matches the kernel for the same sequence of inserts and erases.
/// Nodes are buffer handles; the arrays grow with the largest handle.
/// </summary>
internal sealed class FreeBufferTree
{
    private const int Nil = -1;

    private int[] _left = [];
    private int[] _right = [];
    private int[] _parent = [];
    private bool[] _red = [];
    private long[] _key = [];
    private int _root = Nil;

    public int Count { get; private set; }

    public void Insert(int node, long size)
    {
        EnsureCapacity(node);
        _key[node] = size;
        _left[node] = Nil;
        _right[node] = Nil;
        _red[node] = true;
        var parent = Nil;
        var at = _root;
        var goLeft = false;
        while (at != Nil)
        {
            parent = at;
            goLeft = size < _key[at];
            at = goLeft ? _left[at] : _right[at];
        }

        _parent[node] = parent;
        if (parent == Nil)
        {
            _root = node;
        }
        else if (goLeft)
        {
            _left[parent] = node;
        }
        else
        {
            _right[parent] = node;
        }

        Count++;
        InsertFixup(node);
    }

    /// <summary>The kernel's best-fit descent; the returned node is erased from the tree. -1 when nothing fits.</summary>
    public int TakeBestFit(long size)
    {
        var best = Nil;
        var at = _root;
        while (at != Nil)
        {
            if (size < _key[at])
            {
                best = at;
                at = _left[at];
            }
            else if (size > _key[at])
            {
                at = _right[at];
            }
            else
            {
                best = at;
                break;
            }
        }

        if (best != Nil)
        {
            Remove(best);
        }

        return best;
    }

    public void Remove(int node)
    {
        int x;
        int xParent;
        var removedRed = _red[node];
        if (_left[node] == Nil)
        {
            x = _right[node];
            xParent = _parent[node];
            Transplant(node, x);
        }
        else if (_right[node] == Nil)
        {
            x = _left[node];
            xParent = _parent[node];
            Transplant(node, x);
        }
        else
        {
            var successor = _right[node];
            while (_left[successor] != Nil)
            {
                successor = _left[successor];
            }

            removedRed = _red[successor];
            x = _right[successor];
            if (_parent[successor] == node)
            {
                xParent = successor;
            }
            else
            {
                xParent = _parent[successor];
                Transplant(successor, x);
                _right[successor] = _right[node];
                _parent[_right[successor]] = successor;
            }

            Transplant(node, successor);
            _left[successor] = _left[node];
            _parent[_left[successor]] = successor;
            _red[successor] = _red[node];
        }

        Count--;
        if (!removedRed)
        {
            EraseFixup(x, xParent);
        }
    }

    /// <summary>Checks the red-black invariants and the size order; returns the black height. For tests.</summary>
    internal int Validate()
    {
        if (_root != Nil && _red[_root])
        {
            throw new InvalidOperationException("red root");
        }

        return Validate(_root, long.MinValue, long.MaxValue);
    }

    private int Validate(int node, long min, long max)
    {
        if (node == Nil)
        {
            return 1;
        }

        if (_key[node] < min || _key[node] > max)
        {
            throw new InvalidOperationException($"node {node} size {_key[node]} out of order");
        }

        if (_red[node] && ((_left[node] != Nil && _red[_left[node]]) || (_right[node] != Nil && _red[_right[node]])))
        {
            throw new InvalidOperationException($"red node {node} has a red child");
        }

        var left = Validate(_left[node], min, _key[node]);
        var right = Validate(_right[node], _key[node], max);
        if (left != right)
        {
            throw new InvalidOperationException($"black heights differ under node {node}");
        }

        return left + (_red[node] ? 0 : 1);
    }

    private bool IsRed(int node) => node != Nil && _red[node];

    private void InsertFixup(int node)
    {
        while (IsRed(_parent[node]))
        {
            var parent = _parent[node];
            var grand = _parent[parent];
            if (parent == _left[grand])
            {
                var uncle = _right[grand];
                if (IsRed(uncle))
                {
                    _red[parent] = false;
                    _red[uncle] = false;
                    _red[grand] = true;
                    node = grand;
                    continue;
                }

                if (node == _right[parent])
                {
                    node = parent;
                    RotateLeft(node);
                    parent = _parent[node];
                }

                _red[parent] = false;
                _red[grand] = true;
                RotateRight(grand);
            }
            else
            {
                var uncle = _left[grand];
                if (IsRed(uncle))
                {
                    _red[parent] = false;
                    _red[uncle] = false;
                    _red[grand] = true;
                    node = grand;
                    continue;
                }

                if (node == _left[parent])
                {
                    node = parent;
                    RotateRight(node);
                    parent = _parent[node];
                }

                _red[parent] = false;
                _red[grand] = true;
                RotateLeft(grand);
            }
        }

        _red[_root] = false;
    }

    private void EraseFixup(int x, int parent)
    {
        while (x != _root && !IsRed(x))
        {
            if (x == _left[parent])
            {
                var sibling = _right[parent];
                if (IsRed(sibling))
                {
                    _red[sibling] = false;
                    _red[parent] = true;
                    RotateLeft(parent);
                    sibling = _right[parent];
                }

                if (!IsRed(_left[sibling]) && !IsRed(_right[sibling]))
                {
                    _red[sibling] = true;
                    x = parent;
                    parent = _parent[x];
                    continue;
                }

                if (!IsRed(_right[sibling]))
                {
                    _red[_left[sibling]] = false;
                    _red[sibling] = true;
                    RotateRight(sibling);
                    sibling = _right[parent];
                }

                _red[sibling] = _red[parent];
                _red[parent] = false;
                _red[_right[sibling]] = false;
                RotateLeft(parent);
                x = _root;
            }
            else
            {
                var sibling = _left[parent];
                if (IsRed(sibling))
                {
                    _red[sibling] = false;
                    _red[parent] = true;
                    RotateRight(parent);
                    sibling = _left[parent];
                }

                if (!IsRed(_left[sibling]) && !IsRed(_right[sibling]))
                {
                    _red[sibling] = true;
                    x = parent;
                    parent = _parent[x];
                    continue;
                }

                if (!IsRed(_left[sibling]))
                {
                    _red[_right[sibling]] = false;
                    _red[sibling] = true;
                    RotateLeft(sibling);
                    sibling = _left[parent];
                }

                _red[sibling] = _red[parent];
                _red[parent] = false;
                _red[_left[sibling]] = false;
                RotateRight(parent);
                x = _root;
            }
        }

        if (x != Nil)
        {
            _red[x] = false;
        }
    }

    private void RotateLeft(int node)
    {
        var pivot = _right[node];
        _right[node] = _left[pivot];
        if (_left[pivot] != Nil)
        {
            _parent[_left[pivot]] = node;
        }

        Transplant(node, pivot);
        _left[pivot] = node;
        _parent[node] = pivot;
    }

    private void RotateRight(int node)
    {
        var pivot = _left[node];
        _left[node] = _right[pivot];
        if (_right[pivot] != Nil)
        {
            _parent[_right[pivot]] = node;
        }

        Transplant(node, pivot);
        _right[pivot] = node;
        _parent[node] = pivot;
    }

    /// <summary>Puts <paramref name="replacement"/> (possibly nil) where <paramref name="node"/> hangs.</summary>
    private void Transplant(int node, int replacement)
    {
        var parent = _parent[node];
        if (parent == Nil)
        {
            _root = replacement;
        }
        else if (node == _left[parent])
        {
            _left[parent] = replacement;
        }
        else
        {
            _right[parent] = replacement;
        }

        if (replacement != Nil)
        {
            _parent[replacement] = parent;
        }
    }

    private void EnsureCapacity(int node)
    {
        if (node < _key.Length)
        {
            return;
        }

        var size = Math.Max(node + 1, Math.Max(16, _key.Length * 2));
        Array.Resize(ref _left, size);
        Array.Resize(ref _right, size);
        Array.Resize(ref _parent, size);
        Array.Resize(ref _red, size);
        Array.Resize(ref _key, size);
    }
}
