namespace Lava.Actors.Wire;

/// <summary>
/// Marks every message that crosses a node and every event or snapshot that is journaled: such a type is
/// written by <see cref="LavaJsonSerializer"/> and must carry a <see cref="WireManifestAttribute"/>.
/// </summary>
public interface ILavaWireMessage;
