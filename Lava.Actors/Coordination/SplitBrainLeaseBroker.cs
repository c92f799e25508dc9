using Akka.Actor;
using Akka.Cluster.SBR;
using Akka.Coordination;
using Akka.Event;

namespace Lava.Actors.Coordination;

/// <summary>
/// A master's broker of the split brain resolver's lease, at <c>/user/split-brain-lease</c>: every member must decide a
/// partition the same way, and a worker that leads its side has no database to hold the masters' lease (lease-majority
/// on PostgreSQL) in. So a worker's resolver asks a master of its own side (see <see cref="MastersLease"/>), which takes
/// the lease as its own resolver would. A master without a resolver lease (one master on SQLite, keep-oldest) always
/// grants: the side that still has the master wins, as keep-oldest decides. Answers <see cref="AcquireSplitBrainLease"/>
/// and <see cref="ReleaseSplitBrainLease"/> with <see cref="SplitBrainLeaseAnswer"/>.
/// </summary>
public sealed class SplitBrainLeaseBroker : ReceiveActor
{
    /// <summary>The broker's name under <c>/user</c>.</summary>
    public const string Name = "split-brain-lease";

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SplitBrainLeaseBroker()
    {
        var (leaseName, lease) = ResolverLease(Context.System);
        Receive<AcquireSplitBrainLease>(request =>
        {
            if (lease is null)
            {
                Sender.Tell(new SplitBrainLeaseAnswer(true));
                return;
            }
            if (request.LeaseName != leaseName)
            {
                _log.Warning("A member asked for split brain lease {0}, but the masters' resolver uses {1}", request.LeaseName, leaseName);
                Sender.Tell(new SplitBrainLeaseAnswer(false));
                return;
            }
            _log.Info("Taking split brain lease {0} for {1}", leaseName, Sender.Path.Address);
            lease.Acquire().PipeTo(Sender, success: held => new SplitBrainLeaseAnswer(held), failure: e =>
            {
                _log.Warning(e, "Could not take split brain lease {0}", leaseName);
                return new SplitBrainLeaseAnswer(false);
            });
        });
        Receive<ReleaseSplitBrainLease>(request =>
        {
            if (lease is null || request.LeaseName != leaseName)
            {
                Sender.Tell(new SplitBrainLeaseAnswer(lease is null));
                return;
            }
            lease.Release().PipeTo(Sender, success: released => new SplitBrainLeaseAnswer(released), failure: _ => new SplitBrainLeaseAnswer(false));
        });
    }

    /// <summary>The broker of this master.</summary>
    public static Props Props() => Akka.Actor.Props.Create<SplitBrainLeaseBroker>();

    /// <summary>
    /// The lease this master's own resolver uses (the same instance: the lease provider keeps one per name, section and
    /// owner), or none when its strategy takes no lease.
    /// </summary>
    private static (string Name, Lease? Lease) ResolverLease(ActorSystem system)
    {
        var settings = new SplitBrainResolverSettings(system.Settings.Config);
        if (settings.DowningStrategy != SplitBrainResolverSettings.LeaseMajorityName)
        {
            return ("", null);
        }
        var majority = settings.LeaseMajoritySettings;
        var name = majority.SafeLeaseName(system.Name);
        var owner = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress.Address.HostPort();
        return (name, LeaseProvider.Get(system).GetLease(name, majority.LeaseImplementation, owner));
    }
}
