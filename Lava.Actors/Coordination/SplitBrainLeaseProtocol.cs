using Lava.Actors.Wire;

namespace Lava.Actors.Coordination;

/// <summary>
/// A worker leading the split brain resolver of its side asks a reachable master's <see cref="SplitBrainLeaseBroker"/>
/// to take the resolver's lease <paramref name="LeaseName"/> for that side; answered with <see cref="SplitBrainLeaseAnswer"/>.
/// </summary>
[WireManifest("lava.sbr-lease.acquire.v1")]
public sealed record AcquireSplitBrainLease(string LeaseName) : ILavaWireMessage;

/// <summary>Gives back the lease an <see cref="AcquireSplitBrainLease"/> took; answered with <see cref="SplitBrainLeaseAnswer"/>.</summary>
[WireManifest("lava.sbr-lease.release.v1")]
public sealed record ReleaseSplitBrainLease(string LeaseName) : ILavaWireMessage;

/// <summary>The broker's answer: whether its side holds the lease (acquire) or gave it up (release).</summary>
[WireManifest("lava.sbr-lease.answer.v1")]
public sealed record SplitBrainLeaseAnswer(bool Done) : ILavaWireMessage;
