using Lava.Actors.Lab;
using Lava.Kernel;

namespace Lava.Host.Worker;

/// <summary>
/// Ends a worker incarnation when the cluster is gone for it: the master refused it (disconnected it, or
/// refused to readmit it), or the last master was removed from its view.
/// </summary>
internal sealed class ClusterWatch : ReceiveActor
{
    private readonly TaskCompletionSource<WorkerNode.Outcome> _outcome;

    public ClusterWatch(TaskCompletionSource<WorkerNode.Outcome> outcome)
    {
        _outcome = outcome;
        Receive<RemoteConnectionRefused>(refused => _outcome.TrySetResult(new WorkerNode.Outcome.Refused(refused.Reason)));
        Receive<MemberRemoved>(removed => removed.Member.HasRole(ClusterCredential.MasterRole), OnMasterRemoved);
        ReceiveAny(_ => { });
    }

    /// <summary>The props of the watch completing <paramref name="outcome"/>.</summary>
    public static Props Props(TaskCompletionSource<WorkerNode.Outcome> outcome) => Kernel.Props.Create(() => new ClusterWatch(outcome));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(RemoteConnectionRefused));
        Cluster.Get(Context.System).Subscribe(Self, typeof(MemberRemoved));
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private void OnMasterRemoved(MemberRemoved removed)
    {
        var masters = Cluster.Get(Context.System).State.Members
            .Where(m => m.HasRole(ClusterCredential.MasterRole) && !m.UniqueAddress.Equals(removed.Member.UniqueAddress) && m.Status is MemberStatus.Up or MemberStatus.Joining);
        if (!masters.Any()) _outcome.TrySetResult(new WorkerNode.Outcome.Lost($"the master {removed.Member.UniqueAddress} was removed"));
    }
}
