using BinderTrace.Allocator.Simulation;

namespace BinderTrace.Allocator.Designs;

/// <summary>The bundled designs, by command-line name.</summary>
public static class AllocatorDesigns
{
    private static readonly SimulatedDesign[] Designs =
        [new RangeReadDesign(), new RangeWriteDesign(), new PageWriteDesign(), new PageConcurrentDesign(), new FaultDeferredDesign()];

    public static IReadOnlyList<AllocatorDesignInfo> All { get; } = Array.ConvertAll(Designs, d => d.Info);

    public static bool Exists(string name) => Find(name) is not null;

    /// <summary>The design of a command-line name; throws <see cref="ArgumentException"/> naming it when there is none.</summary>
    internal static SimulatedDesign Resolve(string design) =>
        Find(design ?? throw new ArgumentNullException(nameof(design))) ?? throw new ArgumentException($"unknown allocator design '{design}'", nameof(design));

    internal static SimulatedDesign? Find(string name)
    {
        foreach (var design in Designs)
        {
            if (string.Equals(design.Info.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return design;
            }
        }

        return null;
    }
}
