using System.Text.Json;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Tests.Lab;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Submission;

/// <summary>A MultiNode submission gives every job of the group the whole group's roles (what lava-group and lava-role read).</summary>
public sealed class GroupSubmissionSpec : IAsyncLifetime
{
    private const string Submission = """
        job_name: client-server
        visibility: public
        timeouts:
          job: {minutes: 30}
        protocols:
          lava-multinode:
            timeout: {minutes: 5}
            roles:
              server: {device_type: qemu, count: 1}
              client: {device_type: qemu, count: 2}
              guest: {connection: ssh, count: 1, host_role: server, expect_role: server, request: lava-start}
        actions:
        - deploy: {role: [server, client], to: tmpfs, images: {rootfs: {url: 'http://x/r.img'}}}
        - boot: {role: [server, client], method: qemu, media: tmpfs}
        - test: {role: [guest, client, server], definitions: [{from: git, repository: 'https://x/t.git', path: t.yaml, name: t}]}
        """;

    private readonly SqliteTestDatabases _databases = new();
    private JobSubmissions _submissions = null!;

    public async Task InitializeAsync()
    {
        var database = await _databases.CreateAsync();
        var store = await LabStore.OpenAsync(database);
        await store.TryAddAsync(LabStoreSpec.NewWorker("w1"));
        await store.TryAddDeviceTypeAsync(DeviceType.Default("qemu"));
        await store.TryAddDeviceAsync(new Device("qemu-01", "qemu", "w1", "", "", DeviceState.Idle, DeviceHealth.Good));
        _submissions = new JobSubmissions(new LabCatalog(store, TimeProvider.System, TimeSpan.FromMinutes(5)), new JobIds(database), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Fact]
    public async Task Every_member_must_carry_the_roles_of_the_whole_group()
    {
        var outcome = await _submissions.PrepareAsync(Submission, "alice");

        Assert.Null(outcome.Refusal);
        var ids = outcome.Jobs.Select(j => j.Id).ToList();
        Assert.Equal(4, ids.Count);
        Assert.All(outcome.Jobs, job =>
        {
            Assert.Equal(["server", "client", "client", "guest"], job.Group!.Roles!);
            Assert.Equal(ids, job.Group.JobIds);
            Assert.Equal(job.Group.Role, job.Group.Members(job.Id)[job.Id]);
        });
        Assert.Equal(
            new Dictionary<long, string> { [ids[0]] = "server", [ids[1]] = "client", [ids[2]] = "client", [ids[3]] = "guest" },
            outcome.Jobs[2].Group!.Members(ids[2]));
    }

    [Fact]
    public void A_group_stored_before_the_roles_were_kept_must_still_read_and_know_its_own_role()
    {
        var group = JsonSerializer.Deserialize<JobGroup>(
            """{"id":41,"subId":1,"jobIds":[41,42],"role":"server","essential":true,"deviceBacked":true}""", new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        Assert.Null(group.Roles);
        Assert.Equal(new Dictionary<long, string> { [42] = "server" }, group.Members(42));
    }
}
