using Akka.Actor;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Simulation;
using Xunit;

namespace Lava.Devices.Tests.Simulation;

/// <summary>The device side of the job protocol as the simulated devices play it: numbered chunks, resends, stops, and runs that outlive the actor.</summary>
public sealed class SimulatedDevicesSpec() : Akka.TestKit.Xunit2.TestKit(TestTime.AkkaConfig)
{
    private const string Definition = "actions:\n- deploy:\n    to: tmpfs\n- boot:\n    method: qemu\n";

    // One line, then four per action, then one: two actions make ten lines; a result per action and one for the job.
    private const int Lines = 10;
    private const int Cases = 3;

    private static readonly SimulatedDeviceOptions Fast = new("w1", TimeSpan.Zero, TimeSpan.FromMilliseconds(200));

    private static RunJob Run(long job, long nextLine = 0, long nextCase = 0) =>
        new(job, "qemu01", Definition, "device_type: qemu\n", TimeSpan.FromMinutes(5), nextLine, nextCase);

    [Fact]
    public async Task A_job_must_stream_every_line_and_case_in_order_and_end_with_pass()
    {
        var devices = Sys.ActorOf(SimulatedDevices.Props(Fast, new SimulatedRuns()));

        devices.Tell(Run(7), TestActor);

        var report = await ExpectMsgAsync<JobRunReport>();
        Assert.True(report.Running);
        var (lines, cases, ended) = await CollectUntilEndAsync(devices);
        Assert.Equal(Lines, lines.Count);
        Assert.Equal(Cases, cases);
        Assert.Equal(("pass", Lines, Cases), (ended.Result, ended.LogLines, ended.TestCases));
        Assert.Contains(lines, l => l.Contains("simulated boot-simulated on qemu01", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unacknowledged_lines_must_be_sent_again_from_the_last_acknowledgement()
    {
        var devices = Sys.ActorOf(SimulatedDevices.Props(Fast, new SimulatedRuns()));
        devices.Tell(Run(8), TestActor);
        await ExpectMsgAsync<JobRunReport>();

        // No acknowledgement: the resend timer sends the whole unacknowledged log again, from line 0.
        var resent = await FishForMessageAsync<JobLogChunk>(c => c.FirstLine == 0 && c.Lines.Count == Lines, TimeSpan.FromSeconds(5));

        Assert.Equal(Lines, resent.Lines.Count);
    }

    [Fact]
    public async Task A_stop_must_end_the_job_as_canceled()
    {
        var slow = Fast with { StepDelay = TimeSpan.FromSeconds(30) };
        var devices = Sys.ActorOf(SimulatedDevices.Props(slow, new SimulatedRuns()));
        devices.Tell(Run(9), TestActor);
        await ExpectMsgAsync<JobRunReport>();

        devices.Tell(new StopJob(9, "qemu01", "Canceled by alice"), TestActor);

        var ended = await FishForMessageAsync<JobRunEnded>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Equal(("fail", "Canceled", "Canceled by alice"), (ended.Result, ended.ErrorType, ended.Errors));
    }

    [Fact]
    public async Task A_new_actor_must_carry_on_the_runs_of_the_previous_one_which_then_stops()
    {
        var runs = new SimulatedRuns();
        var slow = Fast with { StepDelay = TimeSpan.FromMilliseconds(100) };
        var first = Sys.ActorOf(SimulatedDevices.Props(slow, runs));
        first.Tell(Run(10), TestActor);
        await ExpectMsgAsync<JobRunReport>();
        Watch(first);

        var second = Sys.ActorOf(SimulatedDevices.Props(slow, runs));
        second.Tell(new QueryJob(10, "qemu01"), TestActor);
        await FishForMessageAsync<JobRunReport>(r => r.JobId == 10, TimeSpan.FromSeconds(5));
        first.Tell(new QueryJob(10, "qemu01"), TestActor);

        await ExpectTerminatedAsync(first);
        var (lines, _, ended) = await CollectUntilEndAsync(second);
        Assert.Equal(Lines, ended.LogLines);
        Assert.Equal(Lines, lines.Count);
    }

    /// <summary>Acknowledges every chunk and gathers the log until the job's end, which is acknowledged too.</summary>
    private async Task<(List<string> Lines, int Cases, JobRunEnded Ended)> CollectUntilEndAsync(IActorRef devices)
    {
        var lines = new SortedDictionary<long, string>();
        var cases = new HashSet<long>();
        while (true)
        {
            var message = await ReceiveOneAsync(TimeSpan.FromSeconds(10));
            switch (message)
            {
                case JobLogChunk chunk:
                    for (var i = 0; i < chunk.Lines.Count; i++) lines[chunk.FirstLine + i] = chunk.Lines[i];
                    devices.Tell(new JobProgressAck(chunk.JobId, lines.Count, cases.Count), TestActor);
                    break;
                case JobResultsChunk results:
                    for (var i = 0; i < results.Cases.Count; i++) cases.Add(results.FirstCase + i);
                    devices.Tell(new JobProgressAck(results.JobId, lines.Count, cases.Count), TestActor);
                    break;
                case JobRunEnded ended when lines.Count == ended.LogLines && cases.Count == ended.TestCases:
                    devices.Tell(new JobRunEndAck(ended.JobId), TestActor);
                    return ([.. lines.Values], cases.Count, ended);
                case null:
                    throw new TimeoutException($"no end after {lines.Count} lines");
            }
        }
    }
}
