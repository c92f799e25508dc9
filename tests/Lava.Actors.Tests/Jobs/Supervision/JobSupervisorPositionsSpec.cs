using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Supervision;

/// <summary>
/// Chunks are acknowledged once the stores hold them, without a journal write: a restarted supervisor takes its
/// positions from the stores, the device re-sends from its last acknowledgement, and nothing is stored twice.
/// </summary>
public sealed class JobSupervisorPositionsSpec : SupervisorTestKit
{
    public JobSupervisorPositionsSpec(ITestOutputHelper output) : this(TempDirectory(), output) { }

    private JobSupervisorPositionsSpec(string dir, ITestOutputHelper output) : base(Sqlite(dir), dir, output) { }

    [Fact]
    public async Task A_supervisor_restarted_after_acknowledging_without_journaling_must_resume_from_the_stores_counts()
    {
        var supervisor = await RunAsync(1);
        supervisor.Tell(new JobLogChunk(1, 0, Lines(0, 4)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(1, 4, 0));
        supervisor.Tell(new JobResultsChunk(1, 0, Cases(0, 2)), Agent);
        await Agent.ExpectMsgAsync(new JobProgressAck(1, 4, 2));
        // Stored but never acknowledged: the master went down between the store's write and the acknowledgement.
        await Logs.AppendAsync(1, 4, [.. Lines(4, 2).Select(LogLine.Parse)]);

        supervisor = await RestartAsync(supervisor, 1);
        Assert.DoesNotContain(await EventsAsync(1), e => e is JobProgressAcknowledged);
        await Agent.ExpectMsgAsync<QueryJob>();
        Agent.Reply(new JobRunReport(1, Device, Worker, Running: true, Ended: false));
        var resume = await Agent.FishForMessageAsync<RunJob>(m => m is RunJob);

        Assert.Equal((6L, 2L), (resume.NextLogLine, resume.NextTestCase));
        Assert.Equal((6L, 2L), ((await StatusAsync(supervisor)).LogLines, (await StatusAsync(supervisor)).TestCases));
        // The device had only the first acknowledgement: it sends everything after it again, then goes on.
        supervisor.Tell(new JobLogChunk(1, 4, Lines(4, 4)), Agent);
        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 8 });
        supervisor.Tell(new JobResultsChunk(1, 0, Cases(0, 3)), Agent);
        await Agent.FishForMessageAsync(m => m is JobProgressAck { TestCases: 3 });
        supervisor.Tell(new JobRunEnded(1, Device, "pass", "", "", 8, 3), Agent);
        await Agent.FishForMessageAsync(m => m is JobRunEndAck);

        Assert.Equal(Lines(0, 8), await Logs.ReadAsync(1, 0, null));
        Assert.Equal(Cases(0, 3), Results.Of(1));
        Assert.Equal(JobHealth.Complete, (await Scheduler.ExpectMsgAsync<DeviceReleased>()).Health);
    }

    [Fact]
    public async Task A_job_whose_device_ended_it_before_it_moved_here_must_get_its_lines_again_and_then_end()
    {
        var supervisor = await RunAsync(4);
        // Another master's supervisor stored and acknowledged the job's 5 lines in its own log store, and died before
        // the device's end reached it: this one starts with none of them.
        supervisor = await RestartAsync(supervisor, 4);
        await Agent.FishForMessageAsync(m => m is QueryJob);
        Agent.Reply(new JobRunReport(4, Device, Worker, Running: false, Ended: true));
        supervisor.Tell(new JobRunEnded(4, Device, "pass", "", "", 5, 0), Agent);

        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 0 });
        supervisor.Tell(new JobLogChunk(4, 0, Lines(0, 5)), Agent);
        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 5 });
        supervisor.Tell(new JobRunEnded(4, Device, "pass", "", "", 5, 0), Agent);
        await Agent.FishForMessageAsync(m => m is JobRunEndAck);

        Assert.Equal(Lines(0, 5), await Logs.ReadAsync(4, 0, null));
        Assert.Equal(JobHealth.Complete, (await Scheduler.FishForMessageAsync<DeviceReleased>(m => m is DeviceReleased)).Health);
    }

    [Fact]
    public async Task A_finished_job_must_report_its_final_positions_after_a_restart()
    {
        var supervisor = await RunAsync(2);
        supervisor.Tell(new JobLogChunk(2, 0, Lines(0, 3)), Agent);
        supervisor.Tell(new JobResultsChunk(2, 0, Cases(0, 1)), Agent);
        supervisor.Tell(new JobRunEnded(2, Device, "pass", "", "", 3, 1), Agent);
        await Agent.FishForMessageAsync(m => m is JobRunEndAck);

        supervisor = await RestartAsync(supervisor, 2);

        var status = await StatusAsync(supervisor);
        Assert.Equal((JobState.Finished, 3L, 1L), (status.State, status.LogLines, status.TestCases));
        Assert.Single(await EventsAsync(2), e => e is JobProgressAcknowledged);
    }

    [Fact]
    public async Task Chunks_queued_behind_a_write_must_each_be_stored_once_and_acknowledged()
    {
        var supervisor = await RunAsync(3);
        // Back to back, with a repeat and an overlap, as a device re-sending after a lost acknowledgement does.
        supervisor.Tell(new JobLogChunk(3, 0, Lines(0, 3)), Agent);
        supervisor.Tell(new JobLogChunk(3, 3, Lines(3, 3)), Agent);
        supervisor.Tell(new JobLogChunk(3, 3, Lines(3, 3)), Agent);
        supervisor.Tell(new JobLogChunk(3, 5, Lines(5, 4)), Agent);
        supervisor.Tell(new JobLogChunk(3, 9, Lines(9, 1)), Agent);

        await Agent.FishForMessageAsync(m => m is JobProgressAck { LogLines: 10 });
        Assert.Equal(Lines(0, 10), await Logs.ReadAsync(3, 0, null));
    }

    private async Task<IReadOnlyList<object>> EventsAsync(long jobId)
    {
        var journal = PersistenceQuery.Get(Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = await journal.CurrentEventsByPersistenceId(JobEvents.PersistenceId(jobId), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return [.. events.Select(e => e.Event)];
    }
}
