using Lava.Actors.Jobs.Definition;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Tests.Lab;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Submission;

/// <summary>
/// A lab on a real SQLite store with every device type the corpus names, each with a device carrying every tag its
/// jobs ask for: submitting each corpus job gets LAVA's verdict, with LAVA's message.
/// </summary>
public sealed class CorpusLab : IAsyncLifetime
{
    private readonly SqliteTestDatabases _databases = new();

    public JobSubmissions Submissions { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = await _databases.CreateAsync();
        var store = await LabStore.OpenAsync(database);
        await store.TryAddAsync(LabStoreSpec.NewWorker("w1"));
        var tagsByType = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in JobCorpus.Verdicts())
        {
            if (JobDefinitionParser.Parse(JobCorpus.Read((string)entry[0])) is not OrderedDictionary<object, object?> tree)
            {
                continue;
            }
            foreach (var (type, tags) in Requests(tree))
            {
                (tagsByType.TryGetValue(type, out var set) ? set : tagsByType[type] = []).UnionWith(tags);
            }
        }
        foreach (var (type, tags) in tagsByType)
        {
            await store.TryAddDeviceTypeAsync(DeviceType.Default(type));
            var hostname = type + "-01";
            await store.TryAddDeviceAsync(new Device(hostname, type, "w1", "", "", DeviceState.Idle, DeviceHealth.Good));
            foreach (var tag in tags)
            {
                await store.AddDeviceTagAsync(hostname, tag);
            }
        }
        Submissions = new JobSubmissions(new LabCatalog(store, TimeProvider.System, TimeSpan.FromMinutes(5)), new JobIds(database), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    /// <summary>The device types a job asks for (its own, or its roles') and the tags each must carry.</summary>
    private static IEnumerable<(string Type, IEnumerable<string> Tags)> Requests(OrderedDictionary<object, object?> tree)
    {
        if (tree.GetValueOrDefault("device_type") is string type)
        {
            yield return (type, Strings(tree.GetValueOrDefault("tags")));
        }
        var roles = ((tree.GetValueOrDefault("protocols") as OrderedDictionary<object, object?>)?.GetValueOrDefault("lava-multinode") as OrderedDictionary<object, object?>)
            ?.GetValueOrDefault("roles") as OrderedDictionary<object, object?>;
        foreach (var role in (roles ?? []).Values.OfType<OrderedDictionary<object, object?>>())
        {
            if (role.GetValueOrDefault("device_type") is string roleType)
            {
                yield return (roleType, Strings(role.GetValueOrDefault("tags")));
            }
        }
    }

    private static IEnumerable<string> Strings(object? value) => (value as List<object?> ?? []).OfType<string>();
}

public sealed class CorpusSubmissionSpec(CorpusLab lab) : IClassFixture<CorpusLab>
{
    [CorpusTheory]
    [MemberData(nameof(JobCorpus.Verdicts), MemberType = typeof(JobCorpus))]
    public async Task Submitting_a_corpus_job_must_get_LAVAs_verdict(string file, string submit, string? path, string? msg)
    {
        _ = (path, msg);

        var outcome = await lab.Submissions.PrepareAsync(JobCorpus.Read(file), "alice");

        if (submit == "ok")
        {
            Assert.True(outcome.Refusal is null, $"{file}: refused with {outcome.Refusal?.Text}");
            Assert.NotEmpty(outcome.Jobs);
            Assert.All(outcome.Jobs, j => Assert.Equal("alice", j.Submitter));
        }
        else
        {
            Assert.Equal($"Problem with submitted job data: {submit}", outcome.Refusal?.Text);
            Assert.Empty(outcome.Jobs);
        }
    }
}
