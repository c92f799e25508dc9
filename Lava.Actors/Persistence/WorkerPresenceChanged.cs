using Lava.Actors.Wire;

namespace Lava.Actors.Persistence;

/// <summary>
/// A worker came online or went offline in the cluster, as recorded by the master's presence recorder under the
/// persistence id <see cref="PersistenceId"/> and the tag <see cref="Tag"/>.
/// </summary>
/// <param name="Hostname">The worker's name in the lab.</param>
/// <param name="State"><see cref="Online"/> or <see cref="Offline"/>.</param>
/// <param name="MemberUid">The cluster member's unique id: tells one incarnation of the worker from the next.</param>
/// <param name="At">When the master saw the change.</param>
[WireManifest("lava.worker.presence-changed.v1")]
public sealed record WorkerPresenceChanged(string Hostname, string State, long MemberUid, DateTimeOffset At) : ILavaWireMessage, ITaggedEvent
{
    /// <summary>The journal key of the presence recorder.</summary>
    public const string PersistenceId = "worker-presence";

    /// <summary>The tag of every presence event.</summary>
    public const string Tag = "worker-presence";

    /// <summary>The value of <see cref="State"/> for a worker that joined.</summary>
    public const string Online = "online";

    /// <summary>The value of <see cref="State"/> for a worker that left or was removed.</summary>
    public const string Offline = "offline";

    private static readonly string[] TagSet = [Tag];

    IReadOnlyCollection<string> ITaggedEvent.Tags => TagSet;
}
