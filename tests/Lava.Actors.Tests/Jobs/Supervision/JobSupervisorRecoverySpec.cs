using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>A master restart while a job runs: the worker still running it streams on; a silent worker loses the job.</summary>
public sealed class JobSupervisorRecoverySpec : SupervisorTestKit
{
    public JobSupervisorRecoverySpec(ITestOutputHelper output) : this(TempDirectory(), output) { }

    private JobSupervisorRecoverySpec(string dir, ITestOutputHelper output) : base(Sqlite(dir), dir, output) { }

    [Fact]
    public async Task A_worker_still_running_the_job_continues_from_the_acknowledged_line_with_none_lost_or_doubled()
    {
        var supervisor = await RunAsync(1);
        supervisor.Tell(new JobLogChunk(1, 0, Lines(0, 4)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(1, 4, 0));
        supervisor.Tell(new JobResultsChunk(1, 0, Cases(0, 1)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(1, 4, 1));

        supervisor = await RestartAsync(supervisor, 1);
        Assert.Equal(new QueryJob(1, Device), await Agent.ExpectMsgAsync<QueryJob>());
        Agent.Reply(new JobRunReport(1, Device, Worker, Running: true, Ended: false));
        var resume = await Agent.FishForMessageAsync<RunJob>(m => m is RunJob);

        Assert.Equal((4L, 1L), (resume.NextLogLine, resume.NextTestCase));
        Agent.Reply(new JobRunReport(1, Device, Worker, Running: true, Ended: false));
        // The device re-sends what it sent while the master was down, overlapping what was stored, then goes on.
        supervisor.Tell(new JobLogChunk(1, 2, Lines(2, 5)), Agent);
        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 7 });
        supervisor.Tell(new JobLogChunk(1, 7, Lines(7, 1)), Agent);
        supervisor.Tell(new JobRunEnded(1, Device, "pass", "", "", 8, 1), Agent);
        await Agent.FishForMessageAsync(m => m is JobRunEndAck);

        Assert.Equal(Lines(0, 8), await Logs.ReadAsync(1, 0, null));
        Assert.Equal(JobHealth.Complete, (await Scheduler.ExpectMsgAsync<DeviceReleased>()).Health);
        Assert.Equal(JobHealth.Complete, (await StatusAsync(supervisor)).Health);
    }

    [Fact]
    public async Task A_silent_worker_loses_the_job_Incomplete_with_an_Infrastructure_error()
    {
        var supervisor = await RunAsync(2);

        supervisor = await RestartAsync(supervisor, 2);
        await Agent.ExpectMsgAsync<QueryJob>(); // and no answer

        Assert.Equal(new DeviceReleased(2, Device, JobHealth.Incomplete, "Infrastructure", false), await Scheduler.ExpectMsgAsync<DeviceReleased>());
        var status = await StatusAsync(supervisor);
        Assert.Equal(JobState.Finished, status.State);
        Assert.Contains("worker lost", status.FailureComment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_no_longer_knows_the_job_loses_it()
    {
        var supervisor = await RunAsync(3);

        supervisor = await RestartAsync(supervisor, 3);
        await Agent.ExpectMsgAsync<QueryJob>();
        Agent.Reply(new JobRunReport(3, Device, Worker, Running: false, Ended: false));

        Assert.Equal("Infrastructure", (await Scheduler.ExpectMsgAsync<DeviceReleased>()).ErrorType);
        Assert.Contains("worker lost", (await StatusAsync(supervisor)).FailureComment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_whose_job_ended_meanwhile_sends_the_end_and_the_job_finishes_as_it_reports()
    {
        var supervisor = await RunAsync(4);

        supervisor = await RestartAsync(supervisor, 4);
        await Agent.ExpectMsgAsync<QueryJob>();
        Agent.Reply(new JobRunReport(4, Device, Worker, Running: false, Ended: true));
        supervisor.Tell(new JobRunEnded(4, Device, "pass", "", "", 0, 0), Agent);

        await Agent.FishForMessageAsync(m => m is JobRunEndAck);
        Assert.Equal(JobHealth.Complete, (await Scheduler.ExpectMsgAsync<DeviceReleased>()).Health);
    }

    [Fact]
    public async Task A_worker_that_is_not_a_member_gets_the_job_once_it_is_back()
    {
        Agents.Agents.TryRemove(Worker, out _);
        var supervisor = await SubmitAsync(5);
        supervisor.Tell(new AssignDevice(5, Device, Worker), Scheduler);
        await Scheduler.ExpectMsgAsync(new AssignmentAccepted(5, Device));
        await Agent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));

        Agents.Agents[Worker] = Agent.Ref;

        Assert.Equal(5, (await Agent.ExpectMsgAsync<RunJob>()).JobId);
        Assert.Equal(JobState.Scheduled, (await StatusAsync(supervisor)).State);
    }
}
