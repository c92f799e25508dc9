using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Supervision;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>
/// MultiNode calls served by the group's supervisors among themselves: the region probe routes their messages to the
/// supervisors by job id, as the shard region does.
/// </summary>
public sealed class JobSupervisorMultinodeSpec : SupervisorTestKit
{
    private static readonly Dictionary<string, string> NoData = [];
    private readonly ConcurrentDictionary<long, IActorRef> _members = new();

    public JobSupervisorMultinodeSpec(ITestOutputHelper output) : this(TempDirectory(), output) { }

    private JobSupervisorMultinodeSpec(string dir, ITestOutputHelper output) : base(Sqlite(dir), dir, output)
    {
        Settings = Settings with { MultinodeRetry = TimeSpan.FromMilliseconds(200) };
        Region.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is IJobCommand command && _members.TryGetValue(command.JobId, out var member)) member.Tell(message, sender);
            return AutoPilot.KeepRunning;
        }));
    }

    [Fact]
    public async Task A_wait_is_answered_once_another_member_sends_with_its_data()
    {
        var (server, client, _) = await GroupAsync(40, ("server", 40), ("client", 41), ("client", 42));
        var device = CreateTestProbe();

        client.Tell(Request(41, 1, MultinodeCalls.Wait, "ready"), device);
        await device.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        server.Tell(Request(40, 1, MultinodeCalls.Send, "ready", data: new() { ["ip"] = "10.0.0.9" }), device);

        var answers = new[] { await device.ExpectMsgAsync<MultinodeAnswer>(), await device.ExpectMsgAsync<MultinodeAnswer>() };
        var sent = Assert.Single(answers, a => a.JobId == 40);
        Assert.Empty(sent.Messages);
        var waited = Assert.Single(answers, a => a.JobId == 41);
        var message = Assert.Single(waited.Messages);
        Assert.Equal((40L, "server", "10.0.0.9"), (message.JobId, message.Role, message.Data["ip"]));
    }

    [Fact]
    public async Task A_sync_is_answered_when_every_member_has_reached_it()
    {
        var (a, b, c) = await GroupAsync(50, ("server", 50), ("client", 51), ("client", 52));
        var device = CreateTestProbe();

        a.Tell(Request(50, 1, MultinodeCalls.Sync, "go"), device);
        b.Tell(Request(51, 1, MultinodeCalls.Sync, "go"), device);
        await device.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        c.Tell(Request(52, 1, MultinodeCalls.Sync, "go"), device);

        var answers = new List<MultinodeAnswer>();
        for (var i = 0; i < 3; i++) answers.Add(await device.ExpectMsgAsync<MultinodeAnswer>());
        Assert.Equal([50L, 51L, 52L], answers.Select(x => x.JobId).Order());
        Assert.All(answers, x => Assert.Equal(2, x.Messages.Count));
        Assert.All(answers, x => Assert.DoesNotContain(x.Messages, m => m.JobId == x.JobId));
    }

    [Fact]
    public async Task A_wait_all_for_a_role_needs_only_that_roles_members()
    {
        var (server, client1, client2) = await GroupAsync(60, ("server", 60), ("client", 61), ("client", 62));
        var device = CreateTestProbe();

        server.Tell(Request(60, 1, MultinodeCalls.WaitAll, "booted", role: "client"), device);
        client1.Tell(Request(61, 1, MultinodeCalls.Send, "booted"), device);
        Assert.Equal(61, (await device.ExpectMsgAsync<MultinodeAnswer>()).JobId);
        await device.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        client2.Tell(Request(62, 1, MultinodeCalls.Send, "booted"), device);

        var answers = new[] { await device.ExpectMsgAsync<MultinodeAnswer>(), await device.ExpectMsgAsync<MultinodeAnswer>() };
        var waited = Assert.Single(answers, x => x.JobId == 60);
        Assert.Equal([61L, 62L], waited.Messages.Select(m => m.JobId));
    }

    [Fact]
    public async Task A_send_survives_a_restart_of_its_supervisor_and_a_request_sent_again_is_served_once()
    {
        var (server, client, _) = await GroupAsync(70, ("server", 70), ("client", 71), ("client", 72));
        var device = CreateTestProbe();
        server.Tell(Request(70, 1, MultinodeCalls.Send, "ready", data: new() { ["port"] = "8080" }), device);
        await device.ExpectMsgAsync<MultinodeAnswer>();

        _members[70] = await RestartAsync(server, 70);
        client.Tell(Request(71, 1, MultinodeCalls.Wait, "ready"), device);
        var answer = await device.ExpectMsgAsync<MultinodeAnswer>();
        client.Tell(Request(71, 1, MultinodeCalls.Wait, "ready"), device);

        Assert.Equal("8080", Assert.Single(answer.Messages).Data["port"]);
        Assert.Equal(answer, await device.ExpectMsgAsync<MultinodeAnswer>());
    }

    [Fact]
    public async Task RunJob_must_name_every_members_role_for_a_group_and_none_for_a_single_job()
    {
        long[] ids = [90, 91, 92];
        var (_, run) = await ScheduleAsync(91, SupervisedJobs.Spec(91, group: new JobGroup(90, 1, ids, "client", Essential: false, Roles: ["server", "client", "client"])));
        var (_, single) = await ScheduleAsync(93);

        Assert.Equal(new Dictionary<long, string> { [90] = "server", [91] = "client", [92] = "client" }, run.Group);
        Assert.Null(single.Group);
    }

    [Fact]
    public async Task A_job_outside_a_group_gets_an_error_answer()
    {
        var job = await RunAsync(80);

        var answer = await job.Ask<MultinodeAnswer>(Request(80, 1, MultinodeCalls.Wait, "x"), RemainingOrDefault);

        Assert.Equal("job 80 is not a MultiNode job", answer.Error);
    }

    private async Task<(IActorRef, IActorRef, IActorRef)> GroupAsync(long groupId, params (string Role, long JobId)[] members)
    {
        var ids = members.Select(m => m.JobId).ToList();
        var refs = new List<IActorRef>();
        foreach (var (role, id) in members)
        {
            var supervisor = await RunAsync(id, SupervisedJobs.Spec(id, group: new JobGroup(groupId, ids.IndexOf(id), ids, role, Essential: false)));
            _members[id] = supervisor;
            refs.Add(supervisor);
        }
        return (refs[0], refs[1], refs[2]);
    }

    private static MultinodeRequest Request(long jobId, long seq, string call, string messageId, string? role = null, Dictionary<string, string>? data = null) =>
        new(jobId, seq, call, messageId, role, data ?? NoData);
}
