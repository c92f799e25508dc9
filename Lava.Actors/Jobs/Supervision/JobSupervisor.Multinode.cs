using Akka.Actor;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// Another group member wants to know whether job <paramref name="JobId"/> has sent <paramref name="MessageId"/>:
/// answered (through the region) with <see cref="GroupMessageState"/> at once, and again when it sends it.
/// </summary>
[WireManifest("lava.job.group-message-wanted.v1")]
public sealed record GroupMessageWanted(long JobId, long By, string MessageId) : IJobCommand;

/// <summary>
/// To job <paramref name="JobId"/>: member <paramref name="Member"/> (role <paramref name="Role"/>) has
/// (<paramref name="Sent"/>) or has not yet sent <paramref name="MessageId"/>, with <paramref name="Data"/>.
/// </summary>
[WireManifest("lava.job.group-message-state.v1")]
public sealed record GroupMessageState(
    long JobId, long Member, string Role, string MessageId, bool Sent, IReadOnlyDictionary<string, string> Data) : IJobCommand;

/// <summary>The job sent MultiNode message <paramref name="MessageId"/> with <paramref name="Data"/> (<c>lava-send</c>, <c>lava-sync</c>).</summary>
[WireManifest("lava.job.multinode-message-sent.v1")]
public sealed record MultinodeMessageSent(long JobId, string MessageId, IReadOnlyDictionary<string, string> Data) : JobEvent(JobId);

/// <summary>
/// MultiNode synchronisation served by the group's supervisors. A send is journaled before it is answered, so a master
/// restart forgets none. A waiting call asks each other member (<see cref="GroupMessageWanted"/>, again every
/// <see cref="JobSupervisorSettings.MultinodeRetry"/> until it has its answer, since delivery is at most once and a
/// member may be restarting); members answer from their journaled sends and remember the asker until they send. What
/// the members answered and the calls waiting live in memory only: after a restart the device side asks again.
/// </summary>
public sealed partial class JobSupervisor
{
    private const string MultinodeRetryKey = "multinode-retry";
    private readonly Dictionary<long, PendingCall> _calls = [];
    private readonly Dictionary<long, MultinodeAnswer> _answered = [];
    private readonly Dictionary<string, Dictionary<long, GroupMessageState>> _groupStates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<long>> _wanting = new(StringComparer.Ordinal);

    private sealed record PendingCall(MultinodeRequest Request, IActorRef ReplyTo);

    private sealed record RetryMultinode
    {
        public static RetryMultinode Instance { get; } = new();
    }

    private void MultinodeCommands()
    {
        Command<MultinodeRequest>(OnMultinodeRequest);
        Command<GroupMessageWanted>(wanted =>
        {
            if (!_wanting.TryGetValue(wanted.MessageId, out var askers)) _wanting[wanted.MessageId] = askers = [];
            askers.Add(wanted.By);
            _region.Value.Tell(OwnState(wanted.By, wanted.MessageId), Self);
        });
        Command<GroupMessageState>(state =>
        {
            if (!_groupStates.TryGetValue(state.MessageId, out var members)) _groupStates[state.MessageId] = members = [];
            if (members.TryGetValue(state.Member, out var known) && known.Sent && !state.Sent) return;
            members[state.Member] = state;
            AnswerSatisfiedCalls();
        });
        Command<RetryMultinode>(_ =>
        {
            foreach (var call in _calls.Values) AskMembers(call.Request.MessageId);
            if (_calls.Count == 0) Timers.Cancel(MultinodeRetryKey);
        });
    }

    /// <summary>An ended job still tells the others what it sent: they may wait for it.</summary>
    private void EndedMultinodeCommands()
    {
        Command<GroupMessageWanted>(wanted => _region.Value.Tell(OwnState(wanted.By, wanted.MessageId), Self));
        Command<GroupMessageState>(_ => { });
        Command<MultinodeRequest>(request => Sender.Tell(new MultinodeAnswer(JobId, request.Seq, [], $"job {JobId} has ended")));
    }

    private void OnMultinodeRequest(MultinodeRequest request)
    {
        if (_answered.TryGetValue(request.Seq, out var answer))
        {
            Sender.Tell(answer);
            return;
        }
        if (_calls.ContainsKey(request.Seq))
        {
            _calls[request.Seq] = new PendingCall(request, Sender);
            return;
        }
        if (_job.Spec!.Group is null || !MultinodeCalls.All.Contains(request.Call))
        {
            Sender.Tell(new MultinodeAnswer(JobId, request.Seq, [],
                _job.Spec.Group is null ? $"job {JobId} is not a MultiNode job" : $"unknown MultiNode call '{request.Call}'"));
            return;
        }

        var replyTo = Sender;
        if (request.Call is MultinodeCalls.Send or MultinodeCalls.Sync && !_job.Sent.ContainsKey(request.MessageId))
        {
            Persist(new MultinodeMessageSent(JobId, request.MessageId, request.Data), e =>
            {
                _job = _job.Apply(e);
                TellWaitingMembers(e.MessageId);
                Accept(request, replyTo);
            });
            return;
        }
        Accept(request, replyTo);
    }

    private void Accept(MultinodeRequest request, IActorRef replyTo)
    {
        if (request.Call == MultinodeCalls.Send)
        {
            Answer(new MultinodeAnswer(JobId, request.Seq, []), replyTo);
            return;
        }
        _calls[request.Seq] = new PendingCall(request, replyTo);
        AskMembers(request.MessageId);
        if (!Timers.IsTimerActive(MultinodeRetryKey)) Timers.StartPeriodicTimer(MultinodeRetryKey, RetryMultinode.Instance, _settings.MultinodeRetry);
        AnswerSatisfiedCalls();
    }

    private void AskMembers(string messageId)
    {
        var known = _groupStates.GetValueOrDefault(messageId);
        foreach (var member in OtherMembers())
        {
            if (known?.GetValueOrDefault(member) is { Sent: true }) continue;
            _region.Value.Tell(new GroupMessageWanted(member, JobId, messageId), Self);
        }
    }

    private void TellWaitingMembers(string messageId)
    {
        if (!_wanting.Remove(messageId, out var askers)) return;
        foreach (var asker in askers) _region.Value.Tell(OwnState(asker, messageId), Self);
    }

    private GroupMessageState OwnState(long to, string messageId) =>
        _job.Sent.TryGetValue(messageId, out var data)
            ? new GroupMessageState(to, JobId, _job.Spec!.Group!.Role, messageId, true, data)
            : new GroupMessageState(to, JobId, _job.Spec!.Group!.Role, messageId, false, EmptyData);

    private static readonly IReadOnlyDictionary<string, string> EmptyData = new Dictionary<string, string>();

    private IEnumerable<long> OtherMembers() => _job.Spec!.Group!.JobIds.Where(id => id != JobId);

    private void AnswerSatisfiedCalls()
    {
        foreach (var call in _calls.Values.ToList())
        {
            var request = call.Request;
            var states = _groupStates.GetValueOrDefault(request.MessageId) ?? [];
            var others = OtherMembers().ToList();
            var sent = states.Values.Where(s => s.Sent).ToList();
            var satisfied = request.Call switch
            {
                MultinodeCalls.Wait => sent.Count > 0,
                // Every other member must have answered at least once before its role is known.
                MultinodeCalls.WaitAll when request.Role is { Length: > 0 } role =>
                    others.All(states.ContainsKey) && states.Values.Where(s => s.Role == role).All(s => s.Sent),
                _ => others.All(m => states.GetValueOrDefault(m) is { Sent: true }),
            };
            if (!satisfied) continue;
            var messages = sent
                .Where(s => request.Call != MultinodeCalls.WaitAll || request.Role is not { Length: > 0 } r || s.Role == r)
                .OrderBy(s => s.Member)
                .Select(s => new MultinodeMessage(s.Member, s.Role, s.Data))
                .ToList();
            _calls.Remove(request.Seq);
            Answer(new MultinodeAnswer(JobId, request.Seq, messages), call.ReplyTo);
        }
        if (_calls.Count == 0) Timers.Cancel(MultinodeRetryKey);
    }

    private void Answer(MultinodeAnswer answer, IActorRef replyTo)
    {
        _answered[answer.Seq] = answer;
        replyTo.Tell(answer);
    }
}
