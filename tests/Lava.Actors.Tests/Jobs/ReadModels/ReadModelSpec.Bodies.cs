using Lava.Actors.Jobs;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab;
using Xunit;

namespace Lava.Actors.Tests.Jobs.ReadModels;

public abstract partial class ReadModelSpec
{
    protected async Task The_tables_must_follow_a_jobs_life_and_the_devices_state()
    {
        await AddDeviceAsync("qemu01");
        await StartProjectionAsync();
        await PersistAsync(new JobSubmitted(1, Spec(1)), new JobSubmitted(2, Spec(2)));
        await AwaitJobAsync(2, r => r.State == JobState.Submitted);
        var queued = await new QueuedJobs(Database).ListQueuedAsync();
        Assert.Equal([1L, 2L], queued.Select(s => s.Id));
        // The scheduler's record of a job keeps every field it orders and matches on (the tags are a list: by content).
        Assert.Equal(QueuedJob.Of(Spec(2)) with { Tags = queued[1].Tags }, queued[1]);
        Assert.Equal(Spec(2).Tags, queued[1].Tags);
        Assert.Equal([1L, 2L], (await new QueuedJobs(Database).ListQueuedIdsAsync()).Order());
        Assert.Equal([2L], (await new QueuedJobs(Database).ListQueuedAsync([2L, 7L])).Select(s => s.Id));

        await PersistAsync(new JobScheduled(1, "qemu01", "w1", Start.AddMinutes(5)));
        await AwaitJobAsync(1, r => r.State == JobState.Scheduled && r.Device == "qemu01" && r.Worker == "w1");
        Assert.Equal(DeviceState.Reserved, (await (await StoreAsync()).FindDeviceAsync("qemu01"))!.State);
        Assert.Equal([2L], (await new QueuedJobs(Database).ListQueuedAsync()).Select(s => s.Id));
        Assert.Equal([2L], await new QueuedJobs(Database).ListQueuedIdsAsync());
        Assert.Empty(await new QueuedJobs(Database).ListQueuedAsync([1L]));

        await PersistAsync(new JobStarted(1, "w1", Start.AddMinutes(6)));
        await AwaitJobAsync(1, r => r.State == JobState.Running && r.StartTime == Start.AddMinutes(6));
        Assert.Equal(DeviceState.Running, (await (await StoreAsync()).FindDeviceAsync("qemu01"))!.State);

        await PersistAsync(new JobCancelRequested(2, "alice", Start.AddMinutes(7)), new JobFinished(2, JobHealth.Canceled, "Canceled", "canceled by alice", Start.AddMinutes(7)));
        await PersistAsync(new JobFinished(1, JobHealth.Incomplete, "Infrastructure", "the board did not boot", Start.AddMinutes(9)));
        await AwaitJobAsync(1, r => r.State == JobState.Finished);
        var job = (await ReadModel.FindAsync(1, Viewer.Anonymous))!;
        Assert.Equal(
            (JobHealth.Incomplete, "Infrastructure", "the board did not boot", (DateTimeOffset?)Start.AddMinutes(9), "job 1", "alice", "qemu"),
            (job.Health, job.ErrorType, job.FailureComment, job.EndTime, job.Description, job.Submitter, job.DeviceType));
        Assert.Equal(["x86"], job.Tags);
        Assert.Equal(DeviceState.Idle, (await (await StoreAsync()).FindDeviceAsync("qemu01"))!.State);
        await AwaitJobAsync(2, r => r is { State: JobState.Finished, Health: JobHealth.Canceled });
        Assert.Empty(await new QueuedJobs(Database).ListQueuedAsync());
    }

    protected async Task A_restarted_projection_must_resume_from_its_stored_offset()
    {
        var projection = await StartProjectionAsync();
        await PersistAsync(new JobSubmitted(1, Spec(1)), new JobFinished(1, JobHealth.Complete, "", "", Start.AddMinutes(3)));
        await AwaitJobAsync(1, r => r.State == JobState.Finished);
        await StopAsync(projection);
        var stored = await StoredOffsetAsync();
        Assert.True(stored > 0);
        // A replay from the start would put job 1 back to Finished: resuming leaves this mark alone.
        await ExecuteAsync("UPDATE jobs SET state = 3, failure_comment = 'mark' WHERE id = 1");

        await PersistAsync(new JobSubmitted(2, Spec(2)));
        await StartProjectionAsync();
        await AwaitJobAsync(2, r => r.State == JobState.Submitted);

        var first = (await ReadModel.FindAsync(1, new Viewer(null, true, [])))!;
        Assert.Equal((JobState.Running, "mark"), (first.State, first.FailureComment));
        Assert.True(await StoredOffsetAsync() > stored);
    }

    protected async Task Visibility_must_be_enforced_in_the_query()
    {
        await StartProjectionAsync();
        await PersistAsync(
            new JobSubmitted(1, Spec(1, "alice")),
            new JobSubmitted(2, Spec(2, "alice", JobVisibility.Personal)),
            new JobSubmitted(3, Spec(3, "bob", new JobVisibility(JobVisibilityKind.Group, ["lab", "qa"]))),
            new JobSubmitted(4, Spec(4, "bob", JobVisibility.Personal)));
        await AwaitJobAsync(4, _ => true);

        async Task<long[]> Seen(Viewer viewer) => [.. (await ReadModel.ListAsync(new JobQuery(viewer))).Rows.Select(r => r.Id)];

        Assert.Equal(new long[] { 1 }, await Seen(Viewer.Anonymous));
        Assert.Equal(new long[] { 2, 1 }, await Seen(new Viewer("alice", false, [])));
        Assert.Equal(new long[] { 3, 2, 1 }, await Seen(new Viewer("alice", false, ["qa"])));
        Assert.Equal(new long[] { 4, 3, 1 }, await Seen(new Viewer("bob", false, [])));
        Assert.Equal(new long[] { 1 }, await Seen(new Viewer("carol", false, ["other"])));
        Assert.Equal(new long[] { 4, 3, 2, 1 }, await Seen(new Viewer("root", true, [])));
        Assert.Null(await ReadModel.FindAsync(2, new Viewer("bob", false, ["lab"])));
        Assert.Equal("Group (lab, qa)", (await ReadModel.FindAsync(3, new Viewer("carol", false, ["lab"])))!.Visibility.ToString());
    }

    protected async Task Lists_must_filter_page_newest_first_and_count_test_outcomes()
    {
        await StartProjectionAsync();
        var events = new List<JobEvent>();
        for (var id = 1L; id <= 6; id++)
        {
            events.Add(new JobSubmitted(id, Spec(id, id % 2 == 0 ? "alice" : "bob", deviceType: id <= 4 ? "qemu" : "bbb")));
        }

        events.Add(new JobFinished(2, JobHealth.Complete, "", "", Start.AddHours(1)));
        events.Add(new JobFinished(3, JobHealth.Incomplete, "Test", "", Start.AddHours(2)));
        await PersistAsync([.. events]);
        await AwaitJobAsync(3, r => r.State == JobState.Finished);
        await AwaitJobAsync(6, _ => true);
        var results = new ResultsStore(Database);
        await results.AppendAsync(2, 0, [Case("lava", "job", "pass"), Case("0_smoke", "a", "fail"), Case("0_smoke", "b", "skip"), Case("0_smoke", "c", "pass")]);

        var root = new Viewer("root", true, []);
        var page = await ReadModel.ListAsync(new JobQuery(root, Offset: 1, Limit: 2));
        Assert.Equal(6, page.Count);
        Assert.Equal([5L, 4L], page.Rows.Select(r => r.Id));
        // A count limit stops counting one past it; a short last page counts what it holds.
        Assert.Equal(4, (await ReadModel.ListAsync(new JobQuery(root, Limit: 2, CountLimit: 3))).Count);
        Assert.Equal(6, (await ReadModel.ListAsync(new JobQuery(root, Limit: 2, CountLimit: 6))).Count);
        var last = await ReadModel.ListAsync(new JobQuery(root, Offset: 4, Limit: 5, CountLimit: 1));
        Assert.Equal(6, last.Count);
        Assert.Equal([2L, 1L], last.Rows.Select(r => r.Id));
        Assert.Equal(6, (await ReadModel.ListAsync(new JobQuery(root, Offset: 9, Limit: 5))).Count);
        var finished = await ReadModel.ListAsync(new JobQuery(root, State: JobState.Finished));
        Assert.Equal(2, finished.Count);
        Assert.Equal([3L, 2L], finished.Rows.Select(r => r.Id));
        Assert.Equal([2L], (await ReadModel.ListAsync(new JobQuery(root, Health: JobHealth.Complete))).Rows.Select(r => r.Id));
        Assert.Equal([6L, 4L, 2L], (await ReadModel.ListAsync(new JobQuery(root, Submitter: "alice"))).Rows.Select(r => r.Id));
        Assert.Equal([6L, 5L], (await ReadModel.ListAsync(new JobQuery(root, DeviceType: "bbb"))).Rows.Select(r => r.Id));
        Assert.Equal([3L], (await ReadModel.ListAsync(new JobQuery(root, EndedSince: Start.AddMinutes(90)))).Rows.Select(r => r.Id));
        Assert.Equal(new TestOutcome(2, 1, 1, 0), (await ReadModel.FindAsync(2, root))!.Tests);
        Assert.Equal(TestOutcome.None, (await ReadModel.FindAsync(3, root))!.Tests);
    }

    protected async Task Job_ids_must_be_unique_and_consecutive_per_block_across_allocators()
    {
        await StoreAsync();
        var (a, b) = (new JobIds(Database), new JobIds(Database));
        var blocks = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var count = i % 3 + 1;
            var first = await (i % 2 == 0 ? a : b).AllocateAsync(count);
            return Enumerable.Range(0, count).Select(k => first + k).ToArray();
        }));

        var ids = blocks.SelectMany(x => x).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), ids.Order());

        // Allocators that take the row's ids ten at a time still never share one, and a group stays consecutive.
        var (c, d) = (new JobIds(Database, blockSize: 10), new JobIds(Database, blockSize: 10));
        var more = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var count = i % 3 + 1;
            var first = await (i % 2 == 0 ? c : d).AllocateAsync(count);
            return Enumerable.Range(0, count).Select(k => first + k).ToArray();
        }));
        var all = ids.Concat(more.SelectMany(x => x)).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(more.SelectMany(x => x).Min() > ids.Max());
    }

    protected async Task Appending_results_must_be_idempotent_by_position()
    {
        await StoreAsync();
        var results = new ResultsStore(Database);
        Assert.Equal(3, await results.AppendAsync(7, 0, [Case("lava", "deploy", "pass"), Case("0_smoke", "a", "pass"), Case("0_smoke", "b", "fail")]));
        // A batch sent again after a lost acknowledgement, overlapping the stored cases.
        Assert.Equal(5, await results.AppendAsync(7, 1, [Case("0_smoke", "a", "pass"), Case("0_smoke", "b", "fail"), Case("0_smoke", "c", "skip"), Case("lava", "job", "pass")]));
        Assert.Equal(5, await results.AppendAsync(7, 1, [Case("0_smoke", "a", "pass")]));

        Assert.Equal(["deploy", "a", "b", "c", "job"], (await results.ListCasesAsync(7)).Select(c => c.Name));
        Assert.Equal(["lava", "0_smoke"], (await results.ListSuitesAsync(7)).Select(s => s.Name));
        Assert.Equal(["b", "c"], (await results.ListCasesAsync(7, "0_smoke", limit: 2, offset: 1)).Select(c => c.Name));
        Assert.Equal(3, await results.CountCasesAsync(7, "0_smoke"));
        Assert.Equal(new TestOutcome(3, 1, 1, 0), await results.CountOutcomesAsync(7));
        Assert.Single(await results.FindCasesAsync(7, "0_smoke", "c"));
    }

    protected async Task The_exports_must_read_from_the_store_in_lavas_formats()
    {
        await StoreAsync();
        var results = new ResultsStore(Database);
        await results.AppendAsync(9, 0, [
            new TestCaseResult("lava", "job", "pass", null, null, null, 12, Start, new Dictionary<string, string> { ["level"] = "3" }),
            new TestCaseResult("0_smoke", "rate", "fail", "10.5", "MB/s", null, 40, Start.AddSeconds(1)),
        ]);
        var cases = await results.ListCasesAsync(9);
        var (first, second) = (cases[0].Id, cases[1].Id);

        Assert.Equal(
            "\"job\",\"suite\",\"result\",\"measurement\",\"unit\",\"duration\",\"timeout\",\"logged\",\"level\",\"metadata\",\"url\",\"name\",\"id\",\"log_start_line\",\"log_end_line\"\r\n" +
            $"\"9\",\"lava\",\"pass\",\"None\",\"None\",\"\",\"\",\"2026-03-01 08:00:00+00:00\",\"3\",\"{{'definition': 'lava', 'case': 'job', 'result': 'pass', 'level': '3'}}\",\"/results/testcase/{first}\",\"job\",\"{first}\",\"12\",\"12\"\r\n" +
            $"\"9\",\"0_smoke\",\"fail\",\"10.5000000000\",\"MB/s\",\"\",\"\",\"2026-03-01 08:00:01+00:00\",\"\",\"{{'definition': '0_smoke', 'case': 'rate', 'result': 'fail', 'measurement': '10.5', 'units': 'MB/s'}}\",\"/results/testcase/{second}\",\"rate\",\"{second}\",\"40\",\"40\"\r\n",
            ResultsExport.Csv(cases));
        Assert.StartsWith(
            $"- id: '{first}'\n  job: '9'\n  level: '3'\n  log_end_line: '12'\n  log_start_line: '12'\n  logged: '2026-03-01 08:00:00+00:00'\n  measurement: None\n" +
            "  metadata:\n    case: job\n    definition: lava\n    level: '3'\n    result: pass\n  name: job\n  result: pass\n  suite: lava\n  unit: None\n" +
            $"  url: /results/testcase/{first}\n- id: '{second}'\n",
            ResultsExport.Yaml(cases));
        Assert.Contains("  measurement: '10.5000000000'\n", ResultsExport.Yaml(cases), StringComparison.Ordinal);
        Assert.Equal("[]\n", ResultsExport.Yaml([]));

        var junit = ResultsExport.JUnit(cases, "lava.");
        Assert.Contains("<testsuite name=\"0_smoke\" tests=\"1\" failures=\"1\" skipped=\"0\" errors=\"0\">", junit, StringComparison.Ordinal);
        Assert.Contains("<testcase classname=\"lava.0_smoke\" name=\"rate\" timestamp=\"2026-03-01T08:00:01.000\">", junit, StringComparison.Ordinal);
        Assert.Contains("<failure type=\"failure\" message=\"failed (log line 40)\" />", junit, StringComparison.Ordinal);
        Assert.Equal(2, System.Xml.Linq.XDocument.Parse(junit).Root!.Elements("testsuite").Count());
    }

    protected async Task A_rebuild_must_yield_the_tables_of_the_live_projection()
    {
        await AddDeviceAsync("qemu01");
        var projection = await StartProjectionAsync();
        await PersistAsync(
            new JobSubmitted(1, Spec(1, "alice", new JobVisibility(JobVisibilityKind.Group, ["qa"]))),
            new JobSubmitted(2, Spec(2)),
            new JobScheduled(1, "qemu01", "w1", Start.AddMinutes(5)),
            new JobStarted(1, "w1", Start.AddMinutes(6)),
            new JobProgressAcknowledged(1, 100, 3),
            new JobFinished(1, JobHealth.Complete, "", "", Start.AddMinutes(9)),
            new JobCancelRequested(2, "alice", Start.AddMinutes(10)));
        await AwaitJobAsync(2, r => r.State == JobState.Canceling);
        await AwaitJobAsync(1, r => r.State == JobState.Finished);
        await StopAsync(projection);
        await new ResultsStore(Database).AppendAsync(1, 0, [Case("lava", "job", "pass")]);
        var live = await DumpJobsAsync();
        var offset = await StoredOffsetAsync();

        Assert.Equal(7, await JobProjections.RebuildAsync(Sys, Database));

        Assert.Equal(live, await DumpJobsAsync());
        Assert.Equal(offset, await StoredOffsetAsync());
        Assert.Equal(1, await new ResultsStore(Database).CountCasesAsync(1));
        Assert.Equal(
            new KeyValuePair<string, string>[] { new("source", "https://example.org/lava"), new("build", "42") },
            await new ResultsStore(Database).GetMetadataAsync(1));
    }

    protected static TestCaseResult Case(string suite, string name, string result) => new(suite, name, result, null, null, null, null, Start);
}
