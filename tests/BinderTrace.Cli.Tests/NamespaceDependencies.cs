using System.Reflection;
using System.Reflection.Emit;

namespace BinderTrace.Tests;

/// <summary>
/// Which namespace of one compiled assembly uses which other namespace of it, read by reflection: base types,
/// interfaces, member signatures and every type, field or method token in the method bodies' IL (so a use inside a
/// lambda or an iterator counts for the namespace of the type that declares it).
/// </summary>
internal sealed class NamespaceDependencies
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly Assembly _assembly;
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _edges = new(StringComparer.Ordinal);

    private NamespaceDependencies(Assembly assembly) => _assembly = assembly;

    /// <summary>Namespace → the namespaces it uses, each with one type that uses it and the type it uses, for messages.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, string>> Edges => _edges;

    public static NamespaceDependencies Of(Assembly assembly)
    {
        var dependencies = new NamespaceDependencies(assembly);
        foreach (var type in assembly.GetTypes())
        {
            dependencies.AddType(type);
        }

        return dependencies;
    }

    /// <summary>Every strongly connected set of two or more namespaces: each is a cycle.</summary>
    public static List<List<string>> Cycles(IReadOnlyDictionary<string, SortedDictionary<string, string>> edges)
    {
        // Tarjan's algorithm; the graphs are a few dozen namespaces, so recursion depth is no concern.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges.TryGetValue(node, out var targets) ? targets.Keys : Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }

        foreach (var node in edges.Keys.Concat(edges.Values.SelectMany(t => t.Keys)).Distinct().Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;
    }

    private static string NamespaceOf(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Namespace ?? "";
    }

    private void AddType(Type type)
    {
        Use(type, type.BaseType);
        foreach (var implemented in type.GetInterfaces())
        {
            Use(type, implemented);
        }

        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        foreach (var field in type.GetFields(Declared))
        {
            Use(type, field.FieldType);
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Use(type, property.PropertyType);
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info)
            {
                Use(type, info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Use(type, parameter.ParameterType);
            }

            AddBody(type, method);
        }
    }

    private void AddBody(Type type, MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return;
        }

        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            if (opCode.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineField or OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, at);
                var member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                Use(type, member as Type ?? member?.DeclaringType);
                if (member is FieldInfo field)
                {
                    Use(type, field.FieldType);
                }
            }

            at += OperandSize(opCode.OperandType, il, at);
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    private void Use(Type user, Type? used)
    {
        if (used is null)
        {
            return;
        }

        if (used.HasElementType)
        {
            Use(user, used.GetElementType());
            return;
        }

        if (used.IsGenericType && !used.IsGenericTypeDefinition)
        {
            foreach (var argument in used.GetGenericArguments())
            {
                Use(user, argument);
            }

            used = used.GetGenericTypeDefinition();
        }

        if (used.IsGenericParameter || used.Assembly != _assembly)
        {
            return;
        }

        var from = NamespaceOf(user);
        var to = NamespaceOf(used);
        if (from == to)
        {
            return;
        }

        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        }

        targets.TryAdd(to, $"{user.FullName} uses {used.FullName}");
    }
}
