using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>The actor behind <see cref="ClusterSingletonProxy.Props"/>; see there for the behaviour.</summary>
internal sealed class ClusterSingletonProxyActor : ReceiveActor, IWithTimers
{
    private const string IdentifyTimer = "identify";

    private readonly string _singletonPath;
    private readonly ClusterSingletonProxySettings _settings;
    private readonly Cluster _cluster;
    private readonly ILogger _logger;

    /// <summary>Up members with the role: the oldest of them runs the singleton.</summary>
    private readonly Dictionary<UniqueAddress, Member> _members = [];
    private readonly Queue<(object Message, IActorRef Sender)> _buffer = new();
    private Member? _oldest;
    private IActorRef? _singleton;
    private string? _identifyId;
    private int _identifyCount;

    public ClusterSingletonProxyActor(string managerPath, ClusterSingletonProxySettings settings)
    {
        _singletonPath = $"{managerPath}/{settings.SingletonName}";
        _settings = settings;
        _cluster = Cluster.Get(Context.System);
        _logger = Context.System.LoggerFactory.CreateLogger(typeof(ClusterSingletonProxy).FullName!);

        Receive<MemberStatusChange>(OnMemberEvent);
        Receive<ActorIdentity>(identity => identity.MessageId is string id && id == _identifyId, OnIdentified);
        Receive<Terminated>(terminated => terminated.ActorRef.Equals(_singleton), _ =>
        {
            _singleton = null;
            Identify();
        });
        Receive<IdentifyTick>(_ => SendIdentify());
        ReceiveAny(OnMessage);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        // The whole current view first, so that the replayed events do not make a younger member look oldest.
        foreach (var member in _cluster.State.Members)
        {
            Track(member, removed: false);
        }
        UpdateOldest();
        _cluster.Subscribe(Self, typeof(MemberStatusChange));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnMemberEvent(MemberStatusChange change)
    {
        Track(change.Member, change is MemberRemoved);
        UpdateOldest();
    }

    private void Track(Member member, bool removed)
    {
        if (_settings.Role is { } role && !member.HasRole(role))
        {
            return;
        }
        if (member.Status == MemberStatus.Up && !removed)
        {
            _members[member.UniqueAddress] = member;
        }
        else
        {
            _members.Remove(member.UniqueAddress);
        }
    }

    private void UpdateOldest()
    {
        var oldest = _members.Values.Aggregate((Member?)null, (found, m) => found is null || m.IsOlderThan(found) ? m : found);
        if (oldest?.UniqueAddress == _oldest?.UniqueAddress)
        {
            return;
        }
        _oldest = oldest;
        if (_singleton is { } previous)
        {
            // The singleton moves with the oldest: forget the old one and look on the new oldest.
            Context.Unwatch(previous);
            _singleton = null;
        }
        Identify();
    }

    private void OnIdentified(ActorIdentity identity)
    {
        if (identity.Subject is not { } singleton)
        {
            return;
        }
        Timers.Cancel(IdentifyTimer);
        _identifyId = null;
        _singleton = singleton;
        Context.Watch(singleton);
        SingletonLog.Identified(_logger, _settings.SingletonName, singleton.Path, _buffer.Count);
        while (_buffer.TryDequeue(out var buffered))
        {
            singleton.Tell(buffered.Message, buffered.Sender);
        }
    }

    private void OnMessage(object message)
    {
        if (_singleton is { } singleton)
        {
            singleton.Tell(message, Sender);
            return;
        }
        if (_settings.BufferSize == 0)
        {
            SingletonLog.BufferFull(_logger, _settings.SingletonName, 0, message.GetType().Name);
            Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self), Sender);
            return;
        }
        if (_buffer.Count >= _settings.BufferSize)
        {
            var (dropped, droppedSender) = _buffer.Dequeue();
            SingletonLog.BufferFull(_logger, _settings.SingletonName, _settings.BufferSize, dropped.GetType().Name);
            Context.System.DeadLetters.Tell(new DeadLetter(dropped, droppedSender, Self), droppedSender);
        }
        _buffer.Enqueue((message, Sender));
    }

    /// <summary>Starts asking the oldest for the singleton: now, then every identification interval until it answers.</summary>
    private void Identify()
    {
        Timers.Cancel(IdentifyTimer);
        _identifyId = null;
        if (_oldest is null)
        {
            return;
        }
        _identifyId = $"{_oldest.UniqueAddress}/{++_identifyCount}".ToString(CultureInfo.InvariantCulture);
        SendIdentify();
        Timers.StartPeriodicTimer(IdentifyTimer, IdentifyTick.Instance, _settings.SingletonIdentificationInterval);
    }

    private void SendIdentify()
    {
        if (_oldest is not { } oldest || _identifyId is not { } id)
        {
            return;
        }
        SingletonLog.Identifying(_logger, _settings.SingletonName, oldest.Address);
        Context.System.ActorSelection(oldest.Address + _singletonPath).Tell(new Identify(id), Self);
    }

    private sealed record IdentifyTick
    {
        public static IdentifyTick Instance { get; } = new();
    }
}
