using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Supervision;
using Xunit;

namespace Lava.Actors.Tests.Jobs.ReadModels;

public abstract partial class ReadModelSpec
{
    protected async Task Lists_must_filter_by_tag_text_and_health_check_and_the_projection_must_announce_what_it_wrote()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(LiveChange));
        await StartProjectionAsync();
        await PersistAsync(
            new JobSubmitted(1, Spec(1)),
            new JobSubmitted(2, Spec(2, "bob") with { Tags = ["arm", "x86_64"], Description = "Kernel 100% smoke" }),
            new JobSubmitted(3, Spec(3) with { HealthCheck = true, Description = "health check" }));
        await AwaitJobAsync(3, _ => true);
        var announced = new HashSet<long>();
        while (announced.Count < 3)
        {
            announced.UnionWith((await ExpectMsgAsync<LiveChange>()).Jobs);
        }
        Assert.Equal([1L, 2L, 3L], announced.Order());

        var everyone = new Viewer(null, true, []);
        async Task<IEnumerable<long>> IdsAsync(JobQuery query) => (await ReadModel.ListAsync(query)).Rows.Select(r => r.Id);
        Assert.Equal([2L], await IdsAsync(new JobQuery(everyone, Tag: "arm")));
        // A tag is matched whole: x86 is not a prefix match of x86_64.
        Assert.Equal([3L, 1L], await IdsAsync(new JobQuery(everyone, Tag: "x86")));
        Assert.Equal([2L], await IdsAsync(new JobQuery(everyone, Text: "100% SMOKE")));
        Assert.Empty(await IdsAsync(new JobQuery(everyone, Text: "1000")));
        Assert.Equal([2L], await IdsAsync(new JobQuery(everyone, Text: "bo")));
        Assert.Equal([3L], await IdsAsync(new JobQuery(everyone, HealthCheck: true)));
        Assert.Equal([2L, 1L], await IdsAsync(new JobQuery(everyone, HealthCheck: false)));
    }

    protected async Task The_projection_must_read_announced_writes_at_once_and_the_others_at_its_poll()
    {
        await PersistAsync(new JobSubmitted(1, Spec(1)));
        var announcedOnly = await StartProjectionAsync(Settings with { PollInterval = TimeSpan.FromHours(1) });
        await AwaitJobAsync(1, _ => true); // read when it starts

        // The test's writer announces nothing and the poll is an hour away: only the announcement reads job 2.
        await PersistAsync(new JobSubmitted(2, Spec(2)));
        Sys.EventStream.Publish(JobEventsJournaled.Instance);
        await AwaitJobAsync(2, _ => true);
        await StopAsync(announcedOnly);

        // Written on another master, say: the poll finds it.
        await StartProjectionAsync(Settings with { PollInterval = TimeSpan.FromMilliseconds(200) });
        await PersistAsync(new JobSubmitted(3, Spec(3)));
        await AwaitJobAsync(3, _ => true);
        Assert.Equal(3, (await ReadModel.ListAsync(new JobQuery(new Viewer(null, true, [])))).Rows.Count);
    }
}
