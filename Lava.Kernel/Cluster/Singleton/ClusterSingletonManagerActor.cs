using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>The actor behind <see cref="ClusterSingletonManager.Props"/>; see there for the behaviour.</summary>
internal sealed class ClusterSingletonManagerActor : ReceiveActor, IWithTimers
{
    private const string HandOverTimer = "hand-over";
    private const string LeaseRetryTimer = "lease-retry";
    private const string StopTimer = "stop";

    private readonly Props _singletonProps;
    private readonly object _terminationMessage;
    private readonly ClusterSingletonManagerSettings _settings;
    private readonly Cluster _cluster;
    private readonly ILogger _logger;

    /// <summary>Members with the role that are not removed yet, in every status.</summary>
    private readonly Dictionary<UniqueAddress, Member> _members = [];

    /// <summary>Older members that confirmed they no longer run the singleton and never will.</summary>
    private readonly HashSet<UniqueAddress> _handedOver = [];

    /// <summary>Managers waiting for <see cref="HandOverDone"/> from this leaving one.</summary>
    private readonly List<IActorRef> _awaitingHandOver = [];

    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ILease? _lease;
    private LeaseState _leaseState;
    private IActorRef? _singleton;
    private bool _stopping;
    private bool _singletonEnded;
    private bool _exiting;
    private bool _handOverAnnounced;

    public ClusterSingletonManagerActor(Props singletonProps, object terminationMessage, ClusterSingletonManagerSettings settings)
    {
        _singletonProps = singletonProps;
        _terminationMessage = terminationMessage;
        _settings = settings;
        _cluster = Cluster.Get(Context.System);
        _logger = Context.System.LoggerFactory.CreateLogger(typeof(ClusterSingletonManager).FullName!);
        Context.System.Serialization.Register<HandOverToMe>(HandOverToMe.Manifest);
        Context.System.Serialization.Register<HandOverDone>(HandOverDone.Manifest);

        Receive<MemberStatusChange>(OnMemberEvent);
        Receive<HandOverToMe>(_ => OnHandOverToMe(Sender));
        Receive<HandOverDone>(OnHandOverDone);
        Receive<SelfExiting>(_ => { _exiting = true; Reconcile(); });
        Receive<LeaseAcquireResult>(OnLeaseAcquireResult);
        Receive<LeaseLostNotice>(OnLeaseLost);
        Receive<LeaseReleased>(OnLeaseReleased);
        Receive<Terminated>(OnTerminated);
        Receive<StopTimedOut>(_ => OnStopTimedOut());
        Receive<HandOverTick>(_ => AskForHandOver());
        Receive<LeaseRetryTick>(_ => Reconcile());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private enum LeaseState { None, Acquiring, Held, Releasing }

    private UniqueAddress SelfAddress => _cluster.SelfUniqueAddress;

    protected override void PreStart()
    {
        _lease = _settings.Lease?.Invoke();
        var self = Self;
        // Runs while this member is Exiting, before it confirms its exit: the leader removes it (and younger
        // members start the singleton) only after the singleton here stopped.
        _cluster.AddExitingTask(
            $"singleton-{_settings.SingletonName}-hand-over",
            ct =>
            {
                self.Tell(SelfExiting.Instance);
                return _exited.Task.WaitAsync(ct);
            });
        // The whole current view first: the replayed events come one at a time, and acting on the first of
        // them (this member Up, say) before the older members are known would start a second singleton.
        foreach (var member in _cluster.State.Members)
        {
            Track(member, removed: false);
        }
        _cluster.Subscribe(Self, typeof(MemberStatusChange));
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        _exited.TrySetResult();
        if (_lease is { } lease)
        {
            _ = ReleaseAndDisposeAsync(lease, _leaseState is LeaseState.Held or LeaseState.Acquiring);
        }
    }

    private void OnMemberEvent(MemberStatusChange change)
    {
        Track(change.Member, change is MemberRemoved);
        Reconcile();
    }

    private void Track(Member member, bool removed)
    {
        if (member.UniqueAddress == SelfAddress && member.Status is not (MemberStatus.Joining or MemberStatus.Up))
        {
            _exiting = true;
        }
        if (_settings.Role is { } role && !member.HasRole(role))
        {
            return;
        }
        if (removed || member.Status == MemberStatus.Removed)
        {
            _members.Remove(member.UniqueAddress);
            _handedOver.Remove(member.UniqueAddress);
        }
        else
        {
            _members[member.UniqueAddress] = member;
        }
    }

    private void OnHandOverToMe(IActorRef requester)
    {
        if (!_exiting)
        {
            // Asked while this member does not know yet that it is leaving: the requester asks again.
            return;
        }
        _awaitingHandOver.Add(requester);
        Reconcile();
    }

    private void OnHandOverDone(HandOverDone done)
    {
        if (_members.ContainsKey(done.From) && _handedOver.Add(done.From))
        {
            SingletonLog.HandedOver(_logger, _settings.SingletonName, done.From);
        }
        Reconcile();
    }

    private void OnLeaseAcquireResult(LeaseAcquireResult result)
    {
        if (_leaseState != LeaseState.Acquiring)
        {
            return;
        }
        if (result.Held)
        {
            _leaseState = LeaseState.Held;
            SingletonLog.LeaseAcquired(_logger, _lease!.Name, _settings.SingletonName);
        }
        else
        {
            _leaseState = LeaseState.None;
            if (result.Error is { } error)
            {
                SingletonLog.LeaseAcquireFailed(_logger, error, _lease!.Name, _settings.SingletonName, _settings.LeaseRetryInterval);
            }
            else
            {
                SingletonLog.LeaseNotAcquired(_logger, _lease!.Name, _settings.SingletonName, _settings.LeaseRetryInterval);
            }
            Timers.StartSingleTimer(LeaseRetryTimer, LeaseRetryTick.Instance, _settings.LeaseRetryInterval);
        }
        Reconcile();
    }

    private void OnLeaseLost(LeaseLostNotice notice)
    {
        if (notice.Lease != _lease || _leaseState != LeaseState.Held)
        {
            return;
        }
        SingletonLog.LeaseLost(_logger, notice.Error, _lease.Name, _settings.SingletonName);
        _leaseState = LeaseState.None;
        StopSingleton("its lease was lost");
        Timers.StartSingleTimer(LeaseRetryTimer, LeaseRetryTick.Instance, _settings.LeaseRetryInterval);
        Reconcile();
    }

    private void OnLeaseReleased(LeaseReleased released)
    {
        if (released.Error is { } error)
        {
            SingletonLog.LeaseReleaseFailed(_logger, error, _lease!.Name, _settings.SingletonName);
        }
        _leaseState = LeaseState.None;
        Reconcile();
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_singleton))
        {
            return;
        }
        // A singleton that stopped by itself stays stopped, as in Akka; one stopped by the manager may start again.
        _singletonEnded |= !_stopping;
        _singleton = null;
        _stopping = false;
        Timers.Cancel(StopTimer);
        SingletonLog.Stopped(_logger, _settings.SingletonName, _cluster.SelfAddress);
        Reconcile();
    }

    private void OnStopTimedOut()
    {
        if (_singleton is { } singleton && _stopping)
        {
            SingletonLog.StopTimedOut(_logger, _settings.SingletonName, _settings.StopTimeout);
            Context.Stop(singleton);
        }
    }

    /// <summary>Brings the singleton, the lease and the hand-over in line with what membership says now.</summary>
    private void Reconcile()
    {
        if (ShouldRun())
        {
            Timers.Cancel(HandOverTimer);
            if (_singleton is not null)
            {
                return;
            }
            if (_lease is null)
            {
                StartSingleton();
                return;
            }
            if (_leaseState == LeaseState.Held && !_lease.CheckLease())
            {
                _leaseState = LeaseState.None;
            }
            switch (_leaseState)
            {
                case LeaseState.Held:
                    StartSingleton();
                    break;
                case LeaseState.None when !Timers.IsTimerActive(LeaseRetryTimer):
                    AcquireLease(_lease);
                    break;
            }
            return;
        }

        if (_singleton is not null)
        {
            StopSingleton(_exiting ? "this member is leaving" : "a member older than this one runs it");
            return;
        }
        if (_leaseState == LeaseState.Held)
        {
            ReleaseLease(_lease!);
            return;
        }
        if (_exiting && _leaseState == LeaseState.None)
        {
            FinishHandOver();
        }
        else if (!_exiting && BlockingOlderMembers().Any() && !Timers.IsTimerActive(HandOverTimer))
        {
            AskForHandOver();
            Timers.StartPeriodicTimer(HandOverTimer, HandOverTick.Instance, _settings.HandOverRetryInterval);
        }
    }

    /// <summary>
    /// True when this member is Up and every older member with the role is removed or has handed over: then
    /// nobody else may be running the singleton (a partition aside, which the lease covers).
    /// </summary>
    private bool ShouldRun() =>
        !_exiting
        && !_singletonEnded
        && _members.TryGetValue(SelfAddress, out var self)
        && self.Status == MemberStatus.Up
        && !_members.Values.Any(m => m.UniqueAddress != SelfAddress && m.IsOlderThan(self) && !_handedOver.Contains(m.UniqueAddress));

    /// <summary>Older members that are going away but have not confirmed the hand-over yet: the ones to ask.</summary>
    private IEnumerable<Member> BlockingOlderMembers()
    {
        if (!_members.TryGetValue(SelfAddress, out var self) || self.Status != MemberStatus.Up)
        {
            return [];
        }
        var older = _members.Values.Where(m => m.UniqueAddress != SelfAddress && m.IsOlderThan(self) && !_handedOver.Contains(m.UniqueAddress)).ToList();
        // An older member that is still Up is simply the oldest: nothing to take over from it.
        return older.Any(m => m.Status == MemberStatus.Up) ? [] : older;
    }

    private void AskForHandOver()
    {
        var blocking = BlockingOlderMembers().ToList();
        if (blocking.Count == 0 || _exiting)
        {
            Timers.Cancel(HandOverTimer);
            return;
        }
        foreach (var member in blocking.Where(m => m.Status != MemberStatus.Down))
        {
            SingletonLog.AskingHandOver(_logger, member.UniqueAddress, _settings.SingletonName);
            ManagerAt(member).Tell(new HandOverToMe(), Self);
        }
    }

    private void FinishHandOver()
    {
        var done = new HandOverDone(SelfAddress);
        foreach (var requester in _awaitingHandOver)
        {
            requester.Tell(done, Self);
        }
        _awaitingHandOver.Clear();
        if (!_handOverAnnounced)
        {
            // The younger members need not wait for this member's removal (nor keep asking).
            _handOverAnnounced = true;
            foreach (var member in _members.Values.Where(m => m.UniqueAddress != SelfAddress && m.Status == MemberStatus.Up))
            {
                ManagerAt(member).Tell(done, Self);
            }
        }
        _exited.TrySetResult();
    }

    private void StartSingleton()
    {
        _singleton = Context.ActorOf(_singletonProps, _settings.SingletonName);
        Context.Watch(_singleton);
        SingletonLog.Started(_logger, _settings.SingletonName, _cluster.SelfAddress);
    }

    private void StopSingleton(string reason)
    {
        if (_singleton is not { } singleton || _stopping)
        {
            return;
        }
        _stopping = true;
        SingletonLog.Stopping(_logger, _settings.SingletonName, _cluster.SelfAddress, reason);
        singleton.Tell(_terminationMessage, Self);
        Timers.StartSingleTimer(StopTimer, StopTimedOut.Instance, _settings.StopTimeout);
    }

    private void AcquireLease(ILease lease)
    {
        _leaseState = LeaseState.Acquiring;
        var self = Self;
        lease.AcquireAsync(error => self.Tell(new LeaseLostNotice(lease, error)))
            .PipeTo(Self, success: held => new LeaseAcquireResult(held, null), failure: error => new LeaseAcquireResult(false, error));
    }

    private void ReleaseLease(ILease lease)
    {
        _leaseState = LeaseState.Releasing;
        lease.ReleaseAsync().PipeTo(Self, success: _ => new LeaseReleased(null), failure: error => new LeaseReleased(error));
    }

    private ActorSelection ManagerAt(Member member) =>
        Context.System.ActorSelection(member.Address + Self.Path.ToStringWithoutAddress());

    private static async Task ReleaseAndDisposeAsync(ILease lease, bool release)
    {
        try
        {
            if (release)
            {
                await lease.ReleaseAsync().ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The manager is gone: an unreleased lease expires by itself.
        }
        if (lease is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record SelfExiting
    {
        public static SelfExiting Instance { get; } = new();
    }

    private sealed record LeaseAcquireResult(bool Held, Exception? Error);

    private sealed record LeaseLostNotice(ILease Lease, Exception? Error);

    private sealed record LeaseReleased(Exception? Error);

    private sealed record StopTimedOut
    {
        public static StopTimedOut Instance { get; } = new();
    }

    private sealed record HandOverTick
    {
        public static HandOverTick Instance { get; } = new();
    }

    private sealed record LeaseRetryTick
    {
        public static LeaseRetryTick Instance { get; } = new();
    }
}
