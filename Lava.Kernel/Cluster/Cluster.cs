using System.Collections.Concurrent;
using System.Collections.Immutable;
using Lava.Kernel.Membership;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>
/// Cluster membership of one node, on top of its <see cref="RemoteTransport"/>, in LAVA's star topology:
/// masters (role <c>master</c>) listen, workers dial out to one master, a further master dials a master.
/// The leader (the oldest reachable Up master) is the single writer of a versioned membership state that
/// it pushes to the nodes connected to it; other masters relay it to theirs. Every node publishes member
/// events by comparing the states it applies. Heartbeats between connected nodes feed phi-accrual failure
/// detectors; the leader downs and removes members unreachable for longer than
/// <see cref="ClusterSettings.AutoDownUnreachableAfter"/>, and a removed member is removed from the
/// transport too, so that watchers of its actors get <see cref="Terminated"/>.
/// </summary>
public sealed class Cluster
{
    private static readonly object StartGate = new();
    private readonly IActorRef _daemon;
    private readonly TaskCompletionSource _selfUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _selfRemoved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<(string Host, int Port), UniqueAddress> _dialed = new();
    private readonly object _exitingGate = new();
    private readonly List<(string Name, Func<CancellationToken, Task> Task)> _exitingTasks = [];
    private Task? _exitingRun;
    private volatile CurrentClusterState _state = CurrentClusterState.Empty;

    private Cluster(ActorSystem system, RemoteTransport transport, ClusterSettings settings)
    {
        System = system;
        Transport = transport;
        Settings = settings;
        SelfUniqueAddress = transport.UniqueAddress;
        SelfRoles = [.. transport.Settings.Roles];
        Log = system.LoggerFactory.CreateLogger("Lava.Kernel.Cluster");
        ClusterProtocol.Register(system.Serialization);
        _daemon = system.SystemActorOf(Props.Create(() => new ClusterDaemon(this)), "cluster");
    }

    /// <summary>The settings membership runs with.</summary>
    public ClusterSettings Settings { get; }

    /// <summary>This incarnation of the node: the transport's unique address.</summary>
    public UniqueAddress SelfUniqueAddress { get; }

    /// <summary>This node's address.</summary>
    public Address SelfAddress => SelfUniqueAddress.Address;

    /// <summary>The roles this node presents in its handshake (the transport's <c>akka.cluster.roles</c>).</summary>
    public ImmutableSortedSet<string> SelfRoles { get; }

    /// <summary>This node as a member in the current view; status <see cref="MemberStatus.Removed"/> while it is not a member.</summary>
    public Member SelfMember =>
        _state.Members.FirstOrDefault(m => m.UniqueAddress.Equals(SelfUniqueAddress))
        ?? new Member(SelfUniqueAddress, MemberStatus.Removed, SelfRoles, int.MaxValue);

    /// <summary>A snapshot of the membership as this node sees it; thread-safe.</summary>
    public CurrentClusterState State => _state;

    internal ActorSystem System { get; }

    internal RemoteTransport Transport { get; }

    internal ILogger Log { get; }

    /// <summary>
    /// Starts membership on <paramref name="system"/>, whose <see cref="RemoteTransport"/> must already run
    /// (listening or dial-out only), and registers its coordinated-shutdown tasks (leave in
    /// <c>cluster-leave</c>, the exiting tasks such as the singletons' hand-over in <c>cluster-exiting</c>,
    /// the exit confirmation in <c>cluster-exiting-done</c>, transport stop in <c>cluster-shutdown</c>). <paramref name="settings"/> defaults
    /// to <see cref="ClusterSettings.Create"/> of the system's config.
    /// </summary>
    public static Cluster Start(ActorSystem system, ClusterSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        var transport = system.Remote ?? throw new InvalidOperationException($"start a RemoteTransport on {system.Name} before Cluster.Start");
        settings ??= ClusterSettings.Create(system.Config);
        settings.Validate();
        if (!settings.Roles.IsEmpty && !settings.Roles.SetEquals(transport.Settings.Roles))
            throw new InvalidOperationException(
                $"cluster roles [{string.Join(", ", settings.Roles)}] differ from the roles the transport presents [{string.Join(", ", transport.Settings.Roles)}]; both come from akka.cluster.roles");
        lock (StartGate)
        {
            if (system.GetExtension<Cluster>() is not null) throw new InvalidOperationException($"membership already runs on {system.Name}");
            var cluster = system.RegisterExtension(new Cluster(system, transport, settings));
            var shutdown = CoordinatedShutdown.Get(system);
            shutdown.AddTask(CoordinatedShutdown.PhaseClusterLeave, "leave", cluster.LeaveAsync);
            shutdown.AddTask(CoordinatedShutdown.PhaseClusterExiting, "exiting-tasks", _ => cluster.RunExitingTasksAsync());
            shutdown.AddTask(CoordinatedShutdown.PhaseClusterExitingDone, "confirm-exit", cluster.ConfirmExitAsync);
            shutdown.AddTask(CoordinatedShutdown.PhaseClusterShutdown, "stop-transport", _ => transport.StopAsync());
            ClusterLog.Started(cluster.Log, cluster.SelfUniqueAddress, string.Join(", ", cluster.SelfRoles));
            return cluster;
        }
    }

    /// <summary>The membership of <paramref name="system"/>; throws when <see cref="Start"/> was not called.</summary>
    public static Cluster Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetExtension<Cluster>() ?? throw new InvalidOperationException($"membership does not run on {system.Name}; call Cluster.Start first");
    }

    /// <summary>
    /// Sends <paramref name="subscriber"/> the current state as events (as Akka's InitialStateAsEvents:
    /// MemberUp for each Up member and so on, then UnreachableMember, then LeaderChanged), then every later
    /// event that is an instance of one of <paramref name="to"/> (all cluster events when none is given).
    /// </summary>
    public void Subscribe(IActorRef subscriber, params Type[] to)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(to);
        _daemon.Tell(new ClusterCore.Subscribe(subscriber, to.Length == 0 ? [typeof(IClusterDomainEvent)] : [.. to]));
    }

    /// <summary>Stops sending events to <paramref name="subscriber"/>.</summary>
    public void Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        _daemon.Tell(new ClusterCore.Unsubscribe(subscriber));
    }

    /// <summary>Makes this node the first member of a new cluster, Up alone (the seed master).</summary>
    public void JoinSelf() => _daemon.Tell(ClusterCore.JoinSelf.Instance);

    /// <summary>
    /// Dials the node at <paramref name="host"/>:<paramref name="port"/> through the transport (see
    /// <see cref="RemoteTransport.ConnectAsync"/> for <paramref name="certificateSha256"/> and
    /// <paramref name="credential"/>) and asks it to admit this node. Completes with the peer's incarnation
    /// once this node is Up. Throws <see cref="RemoteAdmissionRefusedException"/> unchanged when the peer
    /// refuses the connection, <see cref="RemoteConnectionException"/> when it cannot be reached, and
    /// <see cref="TimeoutException"/> when this node is not Up within <see cref="ClusterSettings.SeedNodeTimeout"/>
    /// (the join request is still repeated; calling again with the same host and port reuses the connection).
    /// A node removed from the cluster cannot join again: its system must be restarted.
    /// </summary>
    public async Task<UniqueAddress> JoinAsync(string host, int port, string certificateSha256, ReadOnlyMemory<byte> credential,
        CancellationToken ct = default)
    {
        if (_selfRemoved.Task.IsCompleted)
            throw new InvalidOperationException($"{SelfUniqueAddress} was removed from the cluster or stopped; restart its actor system to join again");
        ClusterLog.Joining(Log, host, port);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Settings.SeedNodeTimeout);
        UniqueAddress peer;
        if (_dialed.TryGetValue((host, port), out var dialed) && Transport.AssociationOf(dialed.Address) is { } association)
        {
            // The transport keeps redialing a peer it connected to once; dialing it again would make a second link.
            peer = association.Node;
        }
        else
        {
            try
            {
                peer = await Transport.ConnectAsync(host, port, certificateSha256, credential, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"could not connect to {host}:{port} within akka.cluster.seed-node-timeout ({Settings.SeedNodeTimeout})");
            }
            _dialed[(host, port)] = peer;
        }
        _daemon.Tell(new ClusterCore.JoinVia(peer));
        try
        {
            await _selfUp.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{peer.Address} did not make this node Up within akka.cluster.seed-node-timeout ({Settings.SeedNodeTimeout}); is it a member of a cluster?");
        }
        return peer;
    }

    /// <summary>Asks the leader to move the member at <paramref name="address"/> out gracefully: Leaving, Exiting, Removed.</summary>
    public void Leave(Address address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _daemon.Tell(new ClusterCore.LeaveCommand(address));
    }

    /// <summary>Asks the leader to declare the member at <paramref name="address"/> Down and remove it at once.</summary>
    public void Down(Address address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _daemon.Tell(new ClusterCore.DownCommand(address));
    }

    /// <summary>
    /// Leaves the cluster gracefully. Completes once this node is Exiting or Removed, when it is not a
    /// member, or when the master it is connected to became unreachable or was removed (so that it never
    /// hangs on a dead master). Once Exiting, this node hands its singletons over and then confirms its exit
    /// to the leader, which removes it: within the coordinated shutdown when one runs, else at once.
    /// </summary>
    public async Task LeaveAsync(CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _daemon.Tell(new ClusterCore.LeaveSelf(done));
        await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="callback"/> once this node is Up (at once if it already is).</summary>
    public void RegisterOnMemberUp(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _selfUp.Task.ContinueWith(_ => RunCallback(callback), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="callback"/> once this node is removed from the cluster or membership stops (at once if it already was).</summary>
    public void RegisterOnMemberRemoved(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _selfRemoved.Task.ContinueWith(_ => RunCallback(callback), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Publishes a new view; called by the core actor only.</summary>
    internal void SetState(CurrentClusterState state)
    {
        _state = state;
        var self = state.Members.FirstOrDefault(m => m.UniqueAddress.Equals(SelfUniqueAddress));
        if (self is { Status: MemberStatus.Up }) _selfUp.TrySetResult();
    }

    internal void SelfRemoved() => _selfRemoved.TrySetResult();

    /// <summary>
    /// Adds a task that runs once this node is Exiting, before it confirms its exit to the leader (the
    /// singleton managers stop their singletons here): in the coordinated-shutdown phase <c>cluster-exiting</c>
    /// when the node shuts down, else as soon as it is Exiting. Bounded by that phase's timeout; a task added
    /// after they ran does not run.
    /// </summary>
    internal void AddExitingTask(string name, Func<CancellationToken, Task> task)
    {
        lock (_exitingGate)
        {
            if (_exitingRun is null) _exitingTasks.Add((name, task));
        }
    }

    /// <summary>Runs the exiting tasks, once; later calls return the first run.</summary>
    internal Task RunExitingTasksAsync()
    {
        lock (_exitingGate) return _exitingRun ??= Task.Run(RunExitingTasksOnceAsync);
    }

    /// <summary>From the core: this node became Exiting. Outside a coordinated shutdown, hand over and confirm now.</summary>
    internal void SelfExiting()
    {
        if (CoordinatedShutdown.Get(System).Reason is not null) return;
        _ = ConfirmAfterExitingTasksAsync();
    }

    private async Task ConfirmAfterExitingTasksAsync()
    {
        await RunExitingTasksAsync().ConfigureAwait(false);
        _daemon.Tell(ClusterCore.ConfirmExit.Instance);
    }

    /// <summary>
    /// The <c>cluster-exiting-done</c> task: tells the leader that this Exiting node is done, then waits until
    /// it is removed, at most <see cref="ClusterSettings.ExitingConfirmationTimeout"/> (the leader's own bound),
    /// so that the transport stops only after the leader heard of the exit.
    /// </summary>
    private async Task ConfirmExitAsync(CancellationToken ct)
    {
        if (SelfMember.Status != MemberStatus.Exiting) return;
        _daemon.Tell(ClusterCore.ConfirmExit.Instance);
        // The last master leaves no leader behind: nobody will remove it, so there is nothing to wait for.
        if (State.Leader is not { } leader || leader.Equals(SelfAddress)) return;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(Settings.ExitingConfirmationTimeout);
        try
        {
            await _selfRemoved.Task.WaitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            ClusterLog.ExitNotConfirmed(Log, Settings.ExitingConfirmationTimeout);
        }
    }

    private async Task RunExitingTasksOnceAsync()
    {
        List<(string Name, Func<CancellationToken, Task> Task)> tasks;
        lock (_exitingGate) tasks = [.. _exitingTasks];
        var timeout = CoordinatedShutdown.Get(System).PhaseTimeout(CoordinatedShutdown.PhaseClusterExiting);
        using var cancel = new CancellationTokenSource(timeout, System.TimeProvider);
        try
        {
            await Task.WhenAll(tasks.Select(t => RunExitingTaskAsync(t.Name, t.Task, cancel.Token))).WaitAsync(timeout, System.TimeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            ClusterLog.ExitingTasksTimedOut(Log, timeout);
        }
    }

    private async Task RunExitingTaskAsync(string name, Func<CancellationToken, Task> task, CancellationToken ct)
    {
        try
        {
            await task(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ClusterLog.ExitingTaskFailed(Log, e, name);
        }
    }

    private void RunCallback(Action callback)
    {
        try
        {
            callback();
        }
        catch (Exception e)
        {
            ClusterLog.CallbackFailed(Log, e);
        }
    }
}
