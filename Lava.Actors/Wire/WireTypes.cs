using System.Collections.Frozen;
using System.Reflection;
using Lava.Actors.Cluster;
using Lava.Actors.Coordination;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Lava.Actors.Persistence;

namespace Lava.Actors.Wire;

/// <summary>
/// The manifest table: every <see cref="ILavaWireMessage"/> type of Lava.Actors and its manifest, both ways.
/// Built once; a type without a manifest or two types sharing one fail the build of the table, naming them, so
/// the node refuses to start instead of failing on the first message. Lava.Actors' table is built from
/// <see cref="LavaMessages"/>.
/// </summary>
internal sealed class WireTypes
{
    /// <summary>
    /// Lava.Actors' wire messages, each with its <see cref="WireManifestAttribute"/>. Listed rather than found: finding
    /// them loads every type of the assembly, or a metadata reader, into a node that never uses them again. A test
    /// checks the list against every type of the assembly.
    /// </summary>
    internal static readonly Type[] LavaMessages =
    [
        typeof(ProveIdentity), typeof(IdentityProven),
        typeof(AcquireSplitBrainLease), typeof(ReleaseSplitBrainLease), typeof(SplitBrainLeaseAnswer),
        typeof(GetWorkerStatus), typeof(WorkerStatus), typeof(WorkerPresenceChanged),
        typeof(LiveChange),
        typeof(RunJob), typeof(QueryJob), typeof(JobRunReport), typeof(JobLogChunk), typeof(JobLogText), typeof(JobResultsChunk),
        typeof(JobProgressAck), typeof(JobRunEnded), typeof(JobRunEndAck), typeof(StopJob),
        typeof(MultinodeRequest), typeof(MultinodeAnswer),
        typeof(DevicesBooked), typeof(DeviceFreed), typeof(SchedulerSnapshot),
        typeof(JobQueued), typeof(JobDequeued), typeof(AssignDevice), typeof(AssignmentAccepted), typeof(AssignmentRefused),
        typeof(DeviceReleased), typeof(LabChanged), typeof(WorkerChanged),
        typeof(JobSubmitted), typeof(JobScheduled), typeof(JobStarted), typeof(JobProgressAcknowledged), typeof(JobCancelRequested),
        typeof(JobFinished),
        typeof(SubmitJob), typeof(JobAccepted), typeof(GetJobStatus), typeof(JobStatus), typeof(JobUnknown), typeof(CancelJob),
        typeof(QueueTimedOut), typeof(WorkerRejoined),
        typeof(GroupMessageWanted), typeof(GroupMessageState), typeof(MultinodeMessageSent),
    ];

    private static readonly Lazy<WireTypes> Listed = new(() => Build(LavaMessages));

    private readonly FrozenDictionary<Type, string> _manifests;
    private readonly FrozenDictionary<string, Type> _types;

    private WireTypes(Dictionary<Type, string> manifests)
    {
        _manifests = manifests.ToFrozenDictionary();
        _types = manifests.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }

    /// <summary>The table of the Lava.Actors assembly.</summary>
    public static WireTypes Lava => Listed.Value;

    /// <summary>Every manifest and its type.</summary>
    public IReadOnlyDictionary<string, Type> Types => _types;

    /// <summary>Builds the table of the concrete <see cref="ILavaWireMessage"/> types among <paramref name="candidates"/>.</summary>
    /// <exception cref="InvalidOperationException">A type lacks <see cref="WireManifestAttribute"/>, or two types share a manifest.</exception>
    public static WireTypes Build(IEnumerable<Type> candidates)
    {
        var manifests = new Dictionary<Type, string>();
        var owners = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in candidates.Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ILavaWireMessage).IsAssignableFrom(t)))
        {
            var manifest = type.GetCustomAttribute<WireManifestAttribute>()?.Manifest;
            if (string.IsNullOrWhiteSpace(manifest))
            {
                throw new InvalidOperationException($"{type.FullName} implements {nameof(ILavaWireMessage)} but has no [WireManifest(\"...\")].");
            }
            if (owners.TryGetValue(manifest, out var other))
            {
                throw new InvalidOperationException($"Manifest '{manifest}' is claimed by both {other.FullName} and {type.FullName}.");
            }
            owners.Add(manifest, type);
            manifests.Add(type, manifest);
        }
        return new WireTypes(manifests);
    }

    /// <summary>The manifest of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The type is not in the table.</exception>
    public string ManifestOf(Type type) => _manifests.TryGetValue(type, out var manifest)
        ? manifest
        : throw new ArgumentException($"{type.FullName} is not an {nameof(ILavaWireMessage)} of Lava.Actors with a manifest.", nameof(type));

    /// <summary>The type written under <paramref name="manifest"/>, if any.</summary>
    public bool TryGet(string manifest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) => _types.TryGetValue(manifest, out type);
}
