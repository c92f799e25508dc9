using Akka.Actor;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>Canceling in each state, the queue timeout, the master's job timeout and MultiNode groups.</summary>
public sealed class JobSupervisorCancelSpec : SupervisorTestKit
{
    public JobSupervisorCancelSpec(ITestOutputHelper output) : this(TempDirectory(), output) { }

    private JobSupervisorCancelSpec(string dir, ITestOutputHelper output) : base(Sqlite(dir), dir, output) { }

    [Fact]
    public async Task Canceling_a_Submitted_job_finishes_it_Canceled_and_dequeues_it()
    {
        var supervisor = await SubmitAsync(1);

        var status = await supervisor.Ask<JobStatus>(new CancelJob(1, "bob"), RemainingOrDefault);

        Assert.Equal((JobState.Finished, JobHealth.Canceled, "Canceled by bob"), (status.State, status.Health, status.FailureComment));
        await Scheduler.ExpectMsgAsync(new JobDequeued(1));
        supervisor = await RestartAsync(supervisor, 1);
        Assert.Equal(JobHealth.Canceled, (await StatusAsync(supervisor)).Health);
        await Scheduler.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // a finished job is not queued again
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Canceling_a_Scheduled_or_Running_job_stops_it_on_its_device_until_it_ends_Canceled(bool running)
    {
        var supervisor = running ? await RunAsync(2) : (await ScheduleAsync(2)).Supervisor;

        var status = await supervisor.Ask<JobStatus>(new CancelJob(2, "bob"), RemainingOrDefault);

        Assert.Equal(JobState.Canceling, status.State);
        var stop = await Agent.FishForMessageAsync<StopJob>(m => m is StopJob);
        Assert.Equal((2L, Device), (stop.JobId, stop.Device));
        await Agent.FishForMessageAsync(m => m is StopJob); // sent again until the job ends
        supervisor = await RestartAsync(supervisor, 2);
        await Agent.FishForMessageAsync(m => m is StopJob); // and after a restart
        supervisor.Tell(new JobRunEnded(2, Device, "fail", "Canceled", "", 0, 0), Agent);
        await Agent.FishForMessageAsync(m => m is JobRunEndAck);
        Assert.Equal(new DeviceReleased(2, Device, JobHealth.Canceled, "Canceled", false), await Scheduler.ExpectMsgAsync<DeviceReleased>());
        status = await StatusAsync(supervisor);
        Assert.Equal((JobHealth.Canceled, "Canceled by bob"), (status.Health, status.FailureComment));
    }

    [Fact]
    public async Task Canceling_a_Canceling_or_Finished_job_changes_nothing()
    {
        var supervisor = await RunAsync(3);
        await supervisor.Ask<JobStatus>(new CancelJob(3, "bob"), RemainingOrDefault);

        Assert.Equal(JobState.Canceling, (await supervisor.Ask<JobStatus>(new CancelJob(3, "carol"), RemainingOrDefault)).State);
        supervisor.Tell(new JobRunEnded(3, Device, "pass", "", "", 0, 0), Agent);
        await Scheduler.ExpectMsgAsync<DeviceReleased>();
        var finished = await supervisor.Ask<JobStatus>(new CancelJob(3, "carol"), RemainingOrDefault);

        Assert.Equal((JobState.Finished, JobHealth.Canceled, "Canceled by bob"), (finished.State, finished.Health, finished.FailureComment));
    }

    [Fact]
    public async Task A_queue_timeout_cancels_a_Submitted_job_and_is_ignored_once_it_is_scheduled()
    {
        var waiting = await SubmitAsync(4);
        var (scheduled, _) = await ScheduleAsync(5);

        var timedOut = await waiting.Ask<JobStatus>(new QueueTimedOut(4), RemainingOrDefault);
        await Scheduler.ExpectMsgAsync(new JobDequeued(4));
        var ignored = await scheduled.Ask<JobStatus>(new QueueTimedOut(5), RemainingOrDefault);

        Assert.Equal((JobState.Finished, JobHealth.Canceled, "Canceled: queue timeout"), (timedOut.State, timedOut.Health, timedOut.FailureComment));
        Assert.Equal(JobState.Scheduled, ignored.State);
    }

    [Fact]
    public async Task A_job_running_past_its_timeout_is_stopped_and_ends_LAVATimeout_when_the_worker_stays_silent()
    {
        var supervisor = await RunAsync(6, SupervisedJobs.Spec(6, jobTimeout: TimeSpan.FromSeconds(1)));

        var stop = await Agent.FishForMessageAsync<StopJob>(m => m is StopJob, max: TimeSpan.FromSeconds(10));

        Assert.Equal("job timeout", stop.Reason);
        Assert.Equal(new DeviceReleased(6, Device, JobHealth.Incomplete, "LAVATimeout", false), await Scheduler.ExpectMsgAsync<DeviceReleased>());
        var status = await StatusAsync(supervisor);
        Assert.Contains("timeout of 00:00:01", status.FailureComment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceling_one_member_of_a_MultiNode_group_cancels_the_others_through_the_region()
    {
        var supervisor = await SubmitAsync(10, SupervisedJobs.Spec(10, group: new JobGroup(10, 0, [10, 11, 12], "server", Essential: false)));

        await supervisor.Ask<JobStatus>(new CancelJob(10, "bob"), RemainingOrDefault);

        var cancels = new[] { await Region.ExpectMsgAsync<CancelJob>(), await Region.ExpectMsgAsync<CancelJob>() };
        Assert.Equal([new CancelJob(11, "bob"), new CancelJob(12, "bob")], cancels.OrderBy(c => c.JobId));
    }

    [Fact]
    public async Task An_essential_member_ending_Incomplete_cancels_the_others()
    {
        var supervisor = await RunAsync(20, SupervisedJobs.Spec(20, group: new JobGroup(20, 1, [19, 20], "server", Essential: true)));

        supervisor.Tell(new JobRunEnded(20, Device, "fail", "Test", "boom", 0, 0), Agent);

        Assert.Equal(19, (await Region.ExpectMsgAsync<CancelJob>()).JobId);
        Assert.Equal(JobHealth.Incomplete, (await Scheduler.ExpectMsgAsync<DeviceReleased>()).Health);
    }

    [Fact]
    public async Task A_member_that_is_not_essential_ending_Incomplete_cancels_nobody()
    {
        var supervisor = await RunAsync(30, SupervisedJobs.Spec(30, group: new JobGroup(30, 1, [29, 30], "client", Essential: false)));

        supervisor.Tell(new JobRunEnded(30, Device, "fail", "Test", "boom", 0, 0), Agent);

        await Scheduler.ExpectMsgAsync<DeviceReleased>();
        await Region.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
