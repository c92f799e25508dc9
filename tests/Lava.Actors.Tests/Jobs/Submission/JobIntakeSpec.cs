using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Running;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Tests.Jobs.Supervision;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.Submission;

/// <summary>
/// The job intake on a real SQLite journal (and, for the batching, on a probe standing for the journal): what it
/// answers and when, what the journal then holds, and the supervisor that starts later from what it wrote.
/// </summary>
public sealed class JobIntakeSpec : SupervisorTestKit
{
    private readonly string _journalFile;

    public JobIntakeSpec(ITestOutputHelper output) : this(TempDirectory(), output) { }

    private JobIntakeSpec(string dir, ITestOutputHelper output) : base(Sqlite(dir), dir, output) =>
        _journalFile = Path.Combine(dir, "journal.db");

    [Fact]
    public async Task Accepted_jobs_must_be_journaled_as_event_1_before_the_answer_and_then_queued()
    {
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));
        var group = Group(10, 2);

        intake.Tell(new JournalJobs([SupervisedJobs.Spec(1)]), TestActor);
        intake.Tell(new JournalJobs(group), TestActor);

        Assert.Equal([1L], (await ExpectMsgAsync<JobsJournaled>()).JobIds);
        // When the answer arrives, the database holds the job already.
        Assert.Equal(1L, await SequenceNrOfAsync("job-1"));
        Assert.Equal([10L, 11L], (await ExpectMsgAsync<JobsJournaled>()).JobIds);
        Assert.Equal((1L, 1L), (await SequenceNrOfAsync("job-10"), await SequenceNrOfAsync("job-11")));
        Assert.Equal(
            [1L, 10L, 11L],
            new[] { await Scheduler.ExpectMsgAsync<JobQueued>(), await Scheduler.ExpectMsgAsync<JobQueued>(), await Scheduler.ExpectMsgAsync<JobQueued>() }.Select(q => q.Spec.Id));
    }

    [Fact]
    public async Task A_committed_write_must_be_announced_to_the_jobs_projection_of_this_node()
    {
        var announcements = CreateTestProbe();
        Sys.EventStream.Subscribe(announcements, typeof(JobEventsJournaled));
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));

        intake.Tell(new JournalJobs([SupervisedJobs.Spec(5), SupervisedJobs.Spec(6)]), TestActor);

        await announcements.ExpectMsgAsync<JobEventsJournaled>();
        Assert.Equal((1L, 1L), (await SequenceNrOfAsync("job-5"), await SequenceNrOfAsync("job-6"))); // announced once committed
        Assert.Equal([5L, 6L], (await ExpectMsgAsync<JobsJournaled>()).JobIds);
    }

    [Fact]
    public async Task The_journaled_events_must_carry_the_job_tag_that_the_read_models_follow()
    {
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));
        intake.Tell(new JournalJobs([SupervisedJobs.Spec(3), SupervisedJobs.Spec(4)]), TestActor);
        await ExpectMsgAsync<JobsJournaled>();

        var journal = PersistenceQuery.Get(Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var read = await journal.CurrentEventsByTag(JobEvents.Tag, Offset.NoOffset()).RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());

        Assert.Equal(
            [("job-3", 1L, 3L, "job 3"), ("job-4", 1L, 4L, "job 4")],
            read.Select(e => (e.PersistenceId, e.SequenceNr, ((JobSubmitted)e.Event).JobId, ((JobSubmitted)e.Event).Spec.Description)));
    }

    [Fact]
    public async Task A_failed_write_must_answer_that_nothing_was_journaled_and_queue_nothing()
    {
        await ExecuteAsync("CREATE TRIGGER refuse_jobs BEFORE INSERT ON event_journal BEGIN SELECT RAISE(ABORT, 'refused'); END");
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));

        intake.Tell(new JournalJobs(Group(20, 2)), TestActor);

        var failed = await ExpectMsgAsync<JobsNotJournaled>();
        Assert.Equal([20L, 21L], failed.JobIds);
        Assert.Contains("refused", failed.Cause.ToString(), StringComparison.Ordinal);
        Assert.Equal((0L, 0L), (await SequenceNrOfAsync("job-20"), await SequenceNrOfAsync("job-21")));
        await Scheduler.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Submissions_arriving_during_a_write_must_wait_and_go_together_in_the_next_write()
    {
        var journal = CreateTestProbe("journal");
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref, journal.Ref));

        intake.Tell(new JournalJobs([SupervisedJobs.Spec(1)]), TestActor);
        var first = await journal.ExpectMsgAsync<WriteMessages>();
        intake.Tell(new JournalJobs([SupervisedJobs.Spec(2)]), TestActor);
        intake.Tell(new JournalJobs(Group(3, 2)), TestActor);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300)); // no answer before the journal's
        await journal.ExpectNoMsgAsync(TimeSpan.Zero);

        Confirm(first, intake);
        Assert.Equal([1L], (await ExpectMsgAsync<JobsJournaled>()).JobIds);
        var second = await journal.ExpectMsgAsync<WriteMessages>();
        Assert.Equal(
            [("job-2", 1L), ("job-3", 1L), ("job-4", 1L)],
            second.Messages.SelectMany(m => (IEnumerable<IPersistentRepresentation>)m.Payload).Select(p => (p.PersistenceId, p.SequenceNr)));

        Confirm(second, intake);
        Assert.Equal([2L], (await ExpectMsgAsync<JobsJournaled>()).JobIds);
        Assert.Equal([3L, 4L], (await ExpectMsgAsync<JobsJournaled>()).JobIds);
        Assert.Equal([1L, 2L, 3L, 4L], new[]
        {
            await Scheduler.ExpectMsgAsync<JobQueued>(), await Scheduler.ExpectMsgAsync<JobQueued>(),
            await Scheduler.ExpectMsgAsync<JobQueued>(), await Scheduler.ExpectMsgAsync<JobQueued>(),
        }.Select(q => q.Spec.Id));
    }

    [Fact]
    public async Task Writes_of_many_rows_must_store_every_job_whole_and_answer_each_submission_with_its_own_jobs()
    {
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));
        // 250 jobs: more rows than one multi-row insert takes, with text that must survive being bound as parameters.
        var submissions = Enumerable.Range(0, 5)
            .Select(s => (IReadOnlyList<JobSpec>)[.. Enumerable.Range(100 + (s * 50), 50).Select(id => SupervisedJobs.Spec(id) with
            {
                Description = $"job {id}: 'quoted' \"twice\" ü 💡",
                Definition = $"job_name: '{id}'\n-- ; DROP TABLE event_journal;\n",
            })])
            .ToList();

        foreach (var jobs in submissions) intake.Tell(new JournalJobs(jobs), TestActor);

        foreach (var jobs in submissions) Assert.Equal(jobs.Select(j => j.Id), (await ExpectMsgAsync<JobsJournaled>()).JobIds);
        var journal = PersistenceQuery.Get(Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var read = await journal.CurrentEventsByTag(JobEvents.Tag, Offset.NoOffset()).RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        Assert.Equal(
            submissions.SelectMany(jobs => jobs).Select(j => ($"job-{j.Id}", 1L, j.Description, j.Definition)),
            read.Select(e => (e.PersistenceId, e.SequenceNr, ((JobSubmitted)e.Event).Spec.Description, ((JobSubmitted)e.Event).Spec.Definition)));
    }

    [Fact]
    public async Task A_supervisor_started_later_must_recover_the_job_as_Queued_and_take_its_device()
    {
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));
        intake.Tell(new JournalJobs([SupervisedJobs.Spec(7)]), TestActor);
        await ExpectMsgAsync<JobsJournaled>();
        await Scheduler.ExpectMsgAsync<JobQueued>();

        var supervisor = Start(7);

        Assert.Equal(7, (await Scheduler.ExpectMsgAsync<JobQueued>()).Spec.Id); // the scheduler may have missed it
        Assert.Equal(JobState.Submitted, (await StatusAsync(supervisor)).State);
        supervisor.Tell(new AssignDevice(7, Device, Worker), Scheduler);
        await Scheduler.ExpectMsgAsync(new AssignmentAccepted(7, Device));
        Assert.Equal(7, (await Agent.ExpectMsgAsync<RunJob>()).JobId);
        Assert.Equal(2L, await SequenceNrOfAsync("job-7"));
    }

    [Fact]
    public async Task A_job_journaled_by_the_intake_must_be_cancelable_while_queued()
    {
        var intake = Sys.ActorOf(JobIntake.Props(() => Scheduler.Ref));
        intake.Tell(new JournalJobs([SupervisedJobs.Spec(8)]), TestActor);
        await ExpectMsgAsync<JobsJournaled>();
        await Scheduler.ExpectMsgAsync<JobQueued>();
        var supervisor = Start(8);
        await Scheduler.ExpectMsgAsync<JobQueued>();

        var status = await supervisor.Ask<JobStatus>(new CancelJob(8, "alice"), RemainingOrDefault);

        Assert.Equal((JobState.Finished, JobHealth.Canceled), (status.State, status.Health));
        Assert.Equal(new JobDequeued(8), await Scheduler.ExpectMsgAsync<JobDequeued>());
    }

    private static IReadOnlyList<JobSpec> Group(long first, int size)
    {
        var ids = Enumerable.Range(0, size).Select(i => first + i).ToList();
        return [.. ids.Select((id, i) => SupervisedJobs.Spec(id, group: new JobGroup(first, i, ids, $"role{i}", Essential: false, DeviceBacked: true)))];
    }

    /// <summary>Answers a <see cref="WriteMessages"/> as a journal whose write committed.</summary>
    private static void Confirm(WriteMessages write, IActorRef intake)
    {
        intake.Tell(WriteMessagesSuccessful.Instance);
        foreach (var persistent in write.Messages.SelectMany(m => (IEnumerable<IPersistentRepresentation>)m.Payload))
        {
            intake.Tell(new WriteMessageSuccess(persistent, write.ActorInstanceId));
        }
    }

    /// <summary>The highest sequence number the journal's table holds for <paramref name="persistenceId"/>, read with SQLite's own client.</summary>
    private async Task<long> SequenceNrOfAsync(string persistenceId)
    {
        await using var connection = new SqliteConnection($"Data Source={_journalFile}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT COALESCE(MAX(sequence_nr), 0) FROM event_journal WHERE persistence_id = $id", connection);
        command.Parameters.AddWithValue("$id", persistenceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        // The journal creates its tables on its first use: a probe write makes sure they exist.
        var intake = Sys.ActorOf(JobIntake.Props(() => ActorRefs.Nobody));
        intake.Tell(new JournalJobs([SupervisedJobs.Spec(999)]), TestActor);
        await ExpectMsgAsync<JobsJournaled>();
        await using var connection = new SqliteConnection($"Data Source={_journalFile}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
