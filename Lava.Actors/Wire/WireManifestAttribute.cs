namespace Lava.Actors.Wire;

/// <summary>
/// The stable name of an <see cref="ILavaWireMessage"/> type on the wire and in the journal, e.g.
/// <c>lava.worker.status.v1</c>. It never changes once shipped: a new meaning is a new type with a new version.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WireManifestAttribute(string manifest) : Attribute
{
    /// <summary>The manifest, ending in its version (<c>.v1</c>, <c>.v2</c>…).</summary>
    public string Manifest { get; } = manifest;
}
