using Akka.Actor;
using Akka.Cluster;
using Akka.Coordination;
using Akka.Event;
using Lava.Actors.Cluster;

namespace Lava.Actors.Coordination;

/// <summary>
/// The split brain resolver's lease on a worker (<c>lava.coordination.lease.masters</c>): taken by a master of the
/// worker's own side through its <see cref="SplitBrainLeaseBroker"/>, so that a worker leading its side decides a
/// partition as the masters would. No reachable master, or none that can take the lease, means the side does not get it
/// and goes down: a side without a master runs no job.
/// </summary>
public sealed class MastersLease : Lease
{
    /// <summary>The lease's section.</summary>
    public const string ConfigPath = "lava.coordination.lease.masters";

    private readonly ExtendedActorSystem _system;
    private readonly ILoggingAdapter _log;
    private Address? _grantedBy;

    public MastersLease(LeaseSettings settings, ExtendedActorSystem system)
        : base(settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        _system = system;
        _log = Logging.GetLogger(system, typeof(MastersLease));
    }

    /// <inheritdoc />
    public override async Task<bool> Acquire()
    {
        var state = Akka.Cluster.Cluster.Get(_system).State;
        var masters = state.Members
            .Where(m => m.HasRole(LavaRoles.Master) && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m))
            .Select(m => m.Address);
        foreach (var master in masters)
        {
            if (await AskAsync(master, new AcquireSplitBrainLease(Settings.LeaseName)))
            {
                _grantedBy = master;
                _log.Info("Master {0} holds split brain lease {1} for this side", master, Settings.LeaseName);
                return true;
            }
        }
        _log.Warning("No reachable master could take split brain lease {0}", Settings.LeaseName);
        return false;
    }

    /// <inheritdoc />
    public override Task<bool> Acquire(Action<Exception> leaseLostCallback) => Acquire();

    /// <inheritdoc />
    public override async Task<bool> Release()
    {
        if (Interlocked.Exchange(ref _grantedBy, null) is not { } master) return false;
        return await AskAsync(master, new ReleaseSplitBrainLease(Settings.LeaseName));
    }

    /// <summary>Always false: only the master knows whether the lease still stands, so the resolver asks it anew.</summary>
    public override bool CheckLease() => false;

    private async Task<bool> AskAsync(Address master, object request)
    {
        var broker = _system.ActorSelection(new RootActorPath(master) / "user" / SplitBrainLeaseBroker.Name);
        try
        {
            return (await broker.Ask<SplitBrainLeaseAnswer>(request, Settings.TimeoutSettings.OperationTimeout)).Done;
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            _log.Warning("Master {0} did not answer about split brain lease {1} within {2}", master, Settings.LeaseName, Settings.TimeoutSettings.OperationTimeout);
            return false;
        }
    }
}
