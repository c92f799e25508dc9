using Lava.Actors.Wire;

namespace Lava.Actors.Cluster;

/// <summary>
/// A master's challenge to a new member's <see cref="NodeIdentityActor"/>; answered with <see cref="IdentityProven"/>.
/// The nonce is fresh per member incarnation, so an answer cannot be replayed for another one.
/// </summary>
[WireManifest("lava.node.prove-identity.v1")]
public sealed record ProveIdentity(byte[] Nonce) : ILavaWireMessage;

/// <summary>
/// A member's answer to <see cref="ProveIdentity"/>: the name it claims, and a signature by the key of its
/// certificate over the nonce, its own member address, that name and its roles.
/// </summary>
[WireManifest("lava.node.identity-proven.v1")]
public sealed record IdentityProven(string Name, byte[] CertificateDer, byte[] Signature) : ILavaWireMessage;
