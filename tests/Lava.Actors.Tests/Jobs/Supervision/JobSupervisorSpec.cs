using Akka.Cluster.Sharding;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>A job's life through its supervisor: submission, assignment, the run and its end, on a SQLite journal.</summary>
public sealed class JobSupervisorSpec : SupervisorTestKit
{
    public JobSupervisorSpec(ITestOutputHelper output) : this(TempDirectory(), output) { }

    private JobSupervisorSpec(string dir, ITestOutputHelper output) : base(Sqlite(dir), dir, output) { }

    [Fact]
    public async Task A_submitted_job_is_accepted_queued_once_and_queued_again_after_a_restart()
    {
        var supervisor = await SubmitAsync(1);

        supervisor.Tell(new SubmitJob(1, SupervisedJobs.Spec(1) with { Description = "changed" }), TestActor);
        await ExpectMsgAsync(new JobAccepted(1));
        var status = await StatusAsync(supervisor);
        Assert.Equal((JobState.Submitted, JobHealth.Unknown, "job 1"), (status.State, status.Health, status.Spec.Description));

        supervisor = await RestartAsync(supervisor, 1);
        var queued = (await Scheduler.ExpectMsgAsync<JobQueued>()).Spec; // replayed from the journal
        Assert.Equal((1L, "job 1", SupervisedJobs.Spec(1).Definition), (queued.Id, queued.Description, queued.Definition));
        Assert.Equal(JobState.Submitted, (await StatusAsync(supervisor)).State);
    }

    [Fact]
    public async Task Each_journaled_event_is_announced_to_the_jobs_projection()
    {
        var announcements = CreateTestProbe();
        Sys.EventStream.Subscribe(announcements, typeof(JobEventsJournaled));

        await ScheduleAsync(4); // submitted, then scheduled

        await announcements.ExpectMsgAsync<JobEventsJournaled>();
        await announcements.ExpectMsgAsync<JobEventsJournaled>();
    }

    [Fact]
    public async Task A_job_never_submitted_is_unknown_and_its_supervisor_passivates()
    {
        var supervisor = Start(99);

        supervisor.Tell(new GetJobStatus(99), TestActor);

        await ExpectMsgAsync(new JobUnknown(99));
        await Shard.ExpectMsgAsync<Passivate>();
    }

    [Fact]
    public async Task The_assignment_is_journaled_before_the_worker_gets_the_job_with_its_rendered_configuration()
    {
        var (supervisor, run) = await ScheduleAsync(2);

        Assert.Equal((2L, Device, 0L, 0L), (run.JobId, run.Device, run.NextLogLine, run.NextTestCase));
        Assert.Contains("connect: telnet localhost 7001", run.DeviceConfiguration, StringComparison.Ordinal);
        Assert.Contains("kernel_args: 'quiet'", run.DeviceConfiguration, StringComparison.Ordinal); // the job's context
        // Stopped the moment RunJob left: the next incarnation knows the booking and sends the job again.
        supervisor = await RestartAsync(supervisor, 2);
        Assert.Equal(run, await Agent.ExpectMsgAsync<RunJob>());
        var status = await StatusAsync(supervisor);
        Assert.Equal((JobState.Scheduled, Device, Worker), (status.State, status.Device, status.Worker));
    }

    [Fact]
    public async Task The_job_is_sent_again_until_the_worker_reports_and_then_it_is_running()
    {
        var (supervisor, run) = await ScheduleAsync(3);

        Assert.Equal(run, await Agent.ExpectMsgAsync<RunJob>());
        supervisor.Tell(new JobRunReport(3, Device, Worker, Running: true, Ended: false), Agent);

        var status = await AwaitStatusAsync(supervisor, s => s.State == JobState.Running);
        Assert.NotNull(status.StartTime);
        await Agent.ExpectNoMsgAsync(TimeSpan.FromSeconds(1)); // RunJob stops once reported
    }

    [Fact]
    public async Task A_running_job_is_sent_again_from_its_acknowledged_positions_when_its_worker_rejoins()
    {
        var supervisor = await RunAsync(31);
        supervisor.Tell(new JobLogChunk(31, 0, Lines(0, 5)), Agent);
        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 5 });

        supervisor.Tell(new WorkerRejoined(31, "another-worker"), Scheduler);
        await Agent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        supervisor.Tell(new WorkerRejoined(31, Worker), Scheduler);

        var again = await Agent.ExpectMsgAsync<RunJob>();
        Assert.Equal((31L, 5L, 0L), (again.JobId, again.NextLogLine, again.NextTestCase));
    }

    [Fact]
    public async Task An_assignment_again_is_accepted_on_the_same_device_and_refused_elsewhere_or_when_finished()
    {
        var (supervisor, _) = await ScheduleAsync(4);

        supervisor.Tell(new AssignDevice(4, Device, Worker), Scheduler);
        await Scheduler.ExpectMsgAsync(new AssignmentAccepted(4, Device));
        supervisor.Tell(new AssignDevice(4, "dut2", Worker), Scheduler);
        Assert.Equal("dut2", (await Scheduler.ExpectMsgAsync<AssignmentRefused>()).Device);

        supervisor.Tell(new JobRunEnded(4, Device, "pass", "", "", 0, 0), Agent);
        await Agent.ExpectMsgAsync(new JobRunEndAck(4));
        await Scheduler.ExpectMsgAsync<DeviceReleased>();
        supervisor = await RestartAsync(supervisor, 4);
        supervisor.Tell(new AssignDevice(4, Device, Worker), Scheduler);
        Assert.Equal(Device, (await Scheduler.ExpectMsgAsync<AssignmentRefused>()).Device);
    }

    [Fact]
    public async Task Log_and_result_chunks_are_stored_once_in_order_and_acknowledged_after_the_journal()
    {
        var supervisor = await RunAsync(5);

        supervisor.Tell(new JobLogChunk(5, 0, Lines(0, 3)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(5, 3, 0));
        supervisor.Tell(new JobLogChunk(5, 0, Lines(0, 3)), Agent);  // a repeat
        await Agent.ExpectMsgAsync(new JobProgressAck(5, 3, 0));
        supervisor.Tell(new JobLogChunk(5, 2, Lines(2, 3)), Agent);  // overlaps the stored end
        await Agent.ExpectMsgAsync(new JobProgressAck(5, 5, 0));
        supervisor.Tell(new JobLogChunk(5, 9, Lines(9, 2)), Agent);  // a gap: ignored
        await Agent.ExpectMsgAsync(new JobProgressAck(5, 5, 0));
        supervisor.Tell(new JobResultsChunk(5, 0, Cases(0, 2)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(5, 5, 2));
        supervisor.Tell(new JobResultsChunk(5, 1, Cases(1, 2)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(5, 5, 3));

        Assert.Equal(Lines(0, 5), await Logs.ReadAsync(5, 0, null));
        Assert.Equal(Cases(0, 3), Results.Of(5));
        // The acknowledged positions are journaled.
        supervisor = await RestartAsync(supervisor, 5);
        await Agent.ExpectMsgAsync<QueryJob>();
        var status = await StatusAsync(supervisor);
        Assert.Equal((5L, 3L), (status.LogLines, status.TestCases));
    }

    [Fact]
    public async Task Log_text_is_stored_once_in_order_as_sent_and_a_line_that_is_no_record_becomes_an_error_record()
    {
        var supervisor = await RunAsync(8);
        var results = LogLine.Format(new LogRecord(SupervisedJobs.Submitted, "results", LogMap.Of(("case", new LogText("uname")), ("result", new LogText("pass")))));
        var lines = Lines(0, 6).ToList();
        lines[3] = results;
        lines[4] = "garbage";

        supervisor.Tell(new JobLogText(8, 0, Text(lines[..3])), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(8, 3, 0));
        supervisor.Tell(new JobLogText(8, 1, Text(lines[1..5])), Agent); // overlaps the stored end
        await Agent.ExpectMsgAsync(new JobProgressAck(8, 5, 0));
        supervisor.Tell(new JobLogText(8, 7, Text(lines[5..])), Agent);  // a gap: ignored
        await Agent.ExpectMsgAsync(new JobProgressAck(8, 5, 0));
        supervisor.Tell(new JobLogText(8, 5, Text(lines[5..])), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(8, 6, 0));

        var stored = await Logs.ReadAsync(8, 0, null);
        Assert.Equal(lines[..4], stored.Take(4));
        Assert.Equal(lines[5], stored[5]);
        var error = LogLine.Parse(stored[4]);
        Assert.Equal("error", error.Level);
        Assert.Contains("unreadable log line from the worker", ((LogText)error.Msg).Value, StringComparison.Ordinal);

        static byte[] Text(IEnumerable<string> lines) => System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
    }

    [Fact]
    public async Task Chunks_sent_without_waiting_for_acknowledgements_are_all_stored_in_order()
    {
        var supervisor = await RunAsync(6);

        for (var i = 0; i < 20; i++) supervisor.Tell(new JobLogChunk(6, i * 10, Lines(i * 10, 10)), Agent);

        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 200 });
        Assert.Equal(Lines(0, 200), await Logs.ReadAsync(6, 0, null));
    }

    [Fact]
    public async Task The_end_finishes_the_job_once_everything_before_it_is_stored_then_releases_the_device()
    {
        var supervisor = await RunAsync(7);
        supervisor.Tell(new JobLogChunk(7, 0, Lines(0, 3)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(7, 3, 0));

        supervisor.Tell(new JobRunEnded(7, Device, "pass", "", "", 5, 1), Agent);
        // Lines 3, 4 and the case are missing: the answer says what is stored, and the job goes on.
        await Agent.ExpectMsgAsync(new JobProgressAck(7, 3, 0));
        await Agent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(JobState.Running, (await StatusAsync(supervisor)).State);
        supervisor.Tell(new JobLogChunk(7, 3, Lines(3, 2)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(7, 5, 0));
        supervisor.Tell(new JobResultsChunk(7, 0, Cases(0, 1)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(7, 5, 1));

        await Agent.ExpectMsgAsync(new JobRunEndAck(7));
        Assert.Equal(new DeviceReleased(7, Device, JobHealth.Complete, "", false), await Scheduler.ExpectMsgAsync<DeviceReleased>());
        await Shard.ExpectMsgAsync<Passivate>();
        var status = await StatusAsync(supervisor);
        Assert.Equal((JobState.Finished, JobHealth.Complete, 5L, 1L), (status.State, status.Health, status.LogLines, status.TestCases));
        Assert.NotNull(status.EndTime);

        supervisor = await RestartAsync(supervisor, 7);
        supervisor.Tell(new JobRunEnded(7, Device, "pass", "", "", 5, 1), Agent); // the worker missed the acknowledgement
        await Agent.ExpectMsgAsync(new JobRunEndAck(7));
        await Scheduler.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_failed_run_ends_Incomplete_with_the_workers_error_type_and_errors()
    {
        var supervisor = await RunAsync(8);

        supervisor.Tell(new JobRunEnded(8, Device, "fail", "Infrastructure", "serial console lost", 0, 0), Agent);

        await Agent.ExpectMsgAsync(new JobRunEndAck(8));
        Assert.Equal(new DeviceReleased(8, Device, JobHealth.Incomplete, "Infrastructure", false), await Scheduler.ExpectMsgAsync<DeviceReleased>());
        var status = await StatusAsync(supervisor);
        Assert.Equal((JobHealth.Incomplete, "Infrastructure", "serial console lost"), (status.Health, status.ErrorType, status.FailureComment));
    }

    [Fact]
    public async Task A_device_configuration_that_does_not_render_ends_the_job_with_a_Configuration_error()
    {
        Devices.Add("broken", "{% extends 'missing.jinja2' %}\n", Worker);
        var supervisor = await SubmitAsync(9);

        supervisor.Tell(new AssignDevice(9, "broken", Worker), Scheduler);
        await Scheduler.ExpectMsgAsync(new AssignmentAccepted(9, "broken"));

        Assert.Equal(new DeviceReleased(9, "broken", JobHealth.Incomplete, "Configuration", false), await Scheduler.ExpectMsgAsync<DeviceReleased>());
        var status = await StatusAsync(supervisor);
        Assert.Contains("missing.jinja2", status.FailureComment, StringComparison.Ordinal);
        Assert.Contains("broken", status.FailureComment, StringComparison.Ordinal);
        await Agent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
