using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Lava.Actors.Lab;
using Lava.Actors.Security;
using static Akka.Cluster.ClusterEvent;

namespace Lava.Actors.Cluster;

/// <summary>
/// On each master: proves every other member's claimed identity before any work goes to it. For each new member it
/// sends a fresh nonce to the member's <see cref="NodeIdentityActor"/> (again every second while unanswered) and
/// downs the member when the answer is not signed by a certificate of the lab CA matching its claim (a worker
/// certificate never makes a master; a worker must hold the current certificate of an admitted worker of the name
/// it claims), or when no valid answer came within the identity timeout. Verified members are published on the
/// event stream (<see cref="MemberVerified"/>, <see cref="VerifiedMemberRemoved"/>).
/// </summary>
public sealed class MemberAdmissionActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under /user.</summary>
    public const string Name = "member-admission";

    private static readonly TimeSpan ChallengeInterval = TimeSpan.FromSeconds(1);
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LabTrust _trust;
    private readonly WorkerAdmission _admission;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<UniqueAddress, Pending> _pending = [];
    private readonly Dictionary<UniqueAddress, VerifiedMember> _verified = [];

    public MemberAdmissionActor(LabTrust trust, WorkerAdmission admission, TimeSpan timeout)
    {
        (_trust, _admission, _timeout) = (trust, admission, timeout);
        Receive<MemberJoined>(e => Challenge(e.Member));
        Receive<MemberWeaklyUp>(e => Challenge(e.Member));
        Receive<MemberUp>(e => Challenge(e.Member));
        Receive<MemberRemoved>(e => Forget(e.Member));
        Receive<IMemberEvent>(_ => { });
        Receive<Rechallenge>(r => Send(r.Member));
        Receive<IdentityDeadline>(d => Refuse(d.Member, $"no valid identity proof within {_timeout.TotalSeconds:0.#} s"));
        Receive<IdentityProven>(OnProven);
        Receive<WorkerChecked>(OnWorkerChecked);
        Receive<GetVerifiedMembers>(_ => Sender.Tell(new VerifiedMembers([.. _verified.Values])));
        Receive<WithdrawWorker>(OnWithdraw);
    }

    /// <summary>The timers of the challenges and deadlines.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the admission over <paramref name="trust"/> and <paramref name="admission"/>, downing after <paramref name="timeout"/>.</summary>
    public static Props Props(LabTrust trust, WorkerAdmission admission, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new MemberAdmissionActor(trust, admission, timeout));

    /// <inheritdoc />
    protected override void PreStart() =>
        _cluster.Subscribe(Self, InitialStateAsEvents, typeof(IMemberEvent));

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void Challenge(Member member)
    {
        if (member.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed) return;
        if (_pending.ContainsKey(member.UniqueAddress) || _verified.ContainsKey(member.UniqueAddress)) return;
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
        {
            // This master holds its own certificate: nothing to prove.
            _verified[member.UniqueAddress] = new VerifiedMember(member, member.Address.Host ?? "", NodeKind.Master);
            Context.System.EventStream.Publish(new MemberVerified(_verified[member.UniqueAddress]));
            return;
        }

        _pending[member.UniqueAddress] = new Pending(member, IdentityProofs.NewNonce());
        Timers.StartPeriodicTimer(("challenge", member.UniqueAddress), new Rechallenge(member.UniqueAddress), ChallengeInterval);
        Timers.StartSingleTimer(("deadline", member.UniqueAddress), new IdentityDeadline(member.UniqueAddress), _timeout);
        Send(member.UniqueAddress);
    }

    private void Send(UniqueAddress member)
    {
        if (!_pending.TryGetValue(member, out var pending)) return;
        Context.ActorSelection(new RootActorPath(member.Address) / "user" / NodeIdentityActor.Name).Tell(new ProveIdentity(pending.Nonce), Self);
    }

    private void OnProven(IdentityProven proven)
    {
        var pending = _pending.Values.FirstOrDefault(p => p.Member.Address.Equals(Sender.Path.Address) && p.Checking is false);
        if (pending is null) return;
        var member = pending.Member;
        var verdict = IdentityProofs.Verify(_trust, new IdentityProof(proven.CertificateDer, proven.Signature), pending.Nonce,
            member.UniqueAddress.ToString(), proven.Name, member.Roles);
        if (!verdict.Valid)
        {
            Refuse(member.UniqueAddress, verdict.Reason);
            return;
        }

        if (verdict.Kind == NodeKind.Master)
        {
            Verify(member, NodeKind.Master, proven.Name);
            return;
        }

        _pending[member.UniqueAddress] = pending with { Checking = true };
        _admission.AdmitAsync(proven.Name, verdict.Thumbprint).PipeTo(Self,
            success: decision => new WorkerChecked(member.UniqueAddress, proven.Name, decision.Admitted ? null : decision.Message),
            failure: e => new WorkerChecked(member.UniqueAddress, proven.Name, $"the worker registry could not be read: {e.Message}"));
    }

    private void OnWorkerChecked(WorkerChecked check)
    {
        if (!_pending.TryGetValue(check.Member, out var pending)) return;
        if (check.Refusal is { } refusal) Refuse(check.Member, refusal);
        else Verify(pending.Member, NodeKind.Worker, check.Name);
    }

    private void Verify(Member member, NodeKind kind, string name)
    {
        Stop(member.UniqueAddress);
        var verified = new VerifiedMember(member, name, kind);
        _verified[member.UniqueAddress] = verified;
        _log.Info("Member {Address} (uid {Uid}) proved it is {Kind} {Name}", member.Address, member.UniqueAddress.Uid, kind, name);
        Context.System.EventStream.Publish(new MemberVerified(verified));
    }

    private void Refuse(UniqueAddress member, string reason)
    {
        if (!_pending.ContainsKey(member)) return;
        Stop(member);
        _log.Warning("Downing member {Address} (uid {Uid}): {Reason}", member.Address, member.Uid, reason);
        _cluster.Down(member.Address);
    }

    private void Forget(Member member)
    {
        Stop(member.UniqueAddress);
        if (_verified.Remove(member.UniqueAddress, out var verified)) Context.System.EventStream.Publish(new VerifiedMemberRemoved(verified));
    }

    private void OnWithdraw(WithdrawWorker withdraw)
    {
        foreach (var verified in _verified.Values.Where(v => v.Kind == NodeKind.Worker && v.Name == withdraw.Name))
        {
            _log.Warning("Downing worker {Name} at {Address} (uid {Uid}): {Reason}", withdraw.Name, verified.Member.Address, verified.Member.UniqueAddress.Uid, withdraw.Reason);
            _cluster.Down(verified.Member.Address);
        }
    }

    private void Stop(UniqueAddress member)
    {
        _pending.Remove(member);
        Timers.Cancel(("challenge", member));
        Timers.Cancel(("deadline", member));
    }

    private sealed record Pending(Member Member, byte[] Nonce, bool Checking = false);

    private sealed record Rechallenge(UniqueAddress Member);

    private sealed record IdentityDeadline(UniqueAddress Member);

    private sealed record WorkerChecked(UniqueAddress Member, string Name, string? Refusal);
}
