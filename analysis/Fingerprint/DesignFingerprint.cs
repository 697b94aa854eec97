using BinderTrace.Analysis.Signature;
using BinderTrace.Events;

namespace BinderTrace.Analysis.Fingerprint;

/// <summary>The inferred design, why, and the structural facts behind it.</summary>
public sealed record DesignFingerprint(AllocatorDesign Design, string Reason, StructuralSignature Evidence)
{
    public string DesignName => AllocatorDesignNames.Of(Design);
}
