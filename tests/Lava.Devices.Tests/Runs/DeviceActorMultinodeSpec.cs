using System.Text.Json;
using Akka.Actor;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Actors;
using Lava.Devices.Runs;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>
/// MultiNode calls between a shell-script runner and the test kit playing the job's supervisor: requests read from
/// multinode-requests.jsonl, sent again until answered, each answer written once to multinode-answers.jsonl, and a
/// re-adopted job asking again for what has no answer.
/// </summary>
public sealed class DeviceActorMultinodeSpec() : Akka.TestKit.Xunit2.TestKit(TestTime.AkkaConfig)
{
    // Shell helpers: append request SEQ (call, message id, data JSON), wait for the answer of SEQ.
    private const string Helpers = """
        request() { printf '{"seq":%s,"call":"%s","messageId":"%s","role":null,"data":%s}\n' "$1" "$2" "$3" "$4" >> multinode-requests.jsonl; }
        answer() { until grep -q "\"seq\":$1," multinode-answers.jsonl 2>/dev/null; do sleep 0.01; done; }

        """;

    private static readonly Dictionary<long, string> Group = new() { [20] = "server", [21] = "client" };

    private readonly RunnerScripts _scripts = new();

    [Fact]
    public async Task A_request_must_reach_the_supervisor_again_until_answered_and_its_answer_must_be_written_once()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options(Helpers + """
            request 1 send ready '{"ip":"10.0.0.9"}'
            answer 1
            until [ -e finish ]; do sleep 0.01; done
            line 0
            end_ pass "" ""
            """)));
        devices.Tell(RunnerScripts.Run(21) with { Group = Group }, TestActor);
        await ExpectMsgAsync<JobRunReport>();

        var request = await ExpectMsgAsync<MultinodeRequest>();
        Assert.Equal((21L, 1L, MultinodeCalls.Send, "ready", (string?)null, "10.0.0.9"),
            (request.JobId, request.Seq, request.Call, request.MessageId, request.Role, request.Data["ip"]));
        var again = await ExpectMsgAsync<MultinodeRequest>(TimeSpan.FromSeconds(5));
        Assert.Equal(1L, again.Seq);
        var device = LastSender;
        var answer = new MultinodeAnswer(21, 1, [new MultinodeMessage(20, "server", new Dictionary<string, string> { ["k"] = "v" })]);
        device.Tell(answer, TestActor);
        device.Tell(answer, TestActor);
        // The device actor handles its mail in order: once it reports, both answers were handled.
        devices.Tell(new QueryJob(21, RunnerScripts.DeviceName), TestActor);
        await FishForMessageAsync(m => m is JobRunReport, TimeSpan.FromSeconds(5));

        var job = _scripts.Job(21);
        var written = Assert.Single(File.ReadAllLines(job.MultinodeAnswersFile));
        var read = JsonSerializer.Deserialize<MultinodeAnswer>(written, JobDirectory.Json)!;
        Assert.Equal((21L, 1L, 20L, "server", "v"), (read.JobId, read.Seq, read.Messages[0].JobId, read.Messages[0].Role, read.Messages[0].Data["k"]));
        var run = job.ReadRun()!.Multinode!;
        Assert.Equal((21L, "client"), (run.Self, run.Role));
        Assert.Equal(Group, run.Group);
        Assert.Equal(new KeyValuePair<string, string>[] { new("20", "server"), new("21", "client") }, run.ToOverlay().Group);

        await File.WriteAllTextAsync(Path.Combine(job.Path, "finish"), "");
        var ended = await new StoredJob().CollectAsync(this, devices, 21);
        Assert.Equal("pass", ended.Result);
    }

    [Fact]
    public async Task A_readopted_job_must_ask_again_for_the_calls_without_an_answer_only()
    {
        var options = _scripts.Options(Helpers + """
            request 1 send one '{}'
            answer 1
            request 2 wait two '{}'
            answer 2
            line 0
            end_ pass "" ""
            """);
        var first = Sys.ActorOf(DeviceActors.Props(options));
        first.Tell(RunnerScripts.Run(22) with { Group = Group }, TestActor);
        await ExpectMsgAsync<JobRunReport>();
        Assert.Equal(1L, (await ExpectMsgAsync<MultinodeRequest>()).Seq);
        LastSender.Tell(new MultinodeAnswer(22, 1, []), TestActor);
        var two = (MultinodeRequest)await FishForMessageAsync(m => m is MultinodeRequest { Seq: 2 }, TimeSpan.FromSeconds(5));
        Assert.Equal((MultinodeCalls.Wait, "two"), (two.Call, two.MessageId));

        Watch(first);
        Sys.Stop(first);
        await FishForMessageAsync(m => m is Terminated t && t.ActorRef.Equals(first), TimeSpan.FromSeconds(5));
        var second = Sys.ActorOf(DeviceActors.Props(options));
        var supervisor = CreateTestProbe("restarted-supervisor");
        second.Tell(new QueryJob(22, RunnerScripts.DeviceName), supervisor.Ref);

        await supervisor.ExpectMsgAsync<JobRunReport>();
        var asked = await supervisor.ExpectMsgAsync<MultinodeRequest>();
        Assert.Equal(2L, asked.Seq);
        supervisor.LastSender.Tell(new MultinodeAnswer(22, 2, [new MultinodeMessage(20, "server", new Dictionary<string, string>())]), supervisor.Ref);
        var ended = await new StoredJob().CollectAsync(supervisor, second, 22);
        Assert.Equal("pass", ended.Result);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _scripts.Dispose();
    }
}
