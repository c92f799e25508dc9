using Lava.Actors.Lab;
using Lava.Actors.Lab.Sqlite;
using Lava.Host.Master.Cluster;
using Lava.Kernel;
using Microsoft.Data.Sqlite;
using Xunit;
using AdmissionDecision = Lava.Kernel.AdmissionDecision;

namespace Lava.Host.Master.Tests;

/// <summary>What the master's cluster port admits, and what an admitted node may address.</summary>
public sealed class MasterAdmissionPolicySpec : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lava-admission-" + Guid.NewGuid().ToString("N"));
    private WorkerAdmission _admission = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var store = await SqliteLabStore.OpenAsync(Path.Combine(_dir, "lava.db"));
        _admission = new WorkerAdmission(store);
        var issued = await new WorkerAdministration(store, _admission).TryCreateAsync("w1", "", WorkerHealth.Active);
        _token = issued!.Token;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static AdmissionRequest Request(string host, string[] roles, ClusterCredential? credential) =>
        new(new UniqueAddress(new Address("lava", host, 0), 42), roles, credential?.ToBytes() ?? [], null);

    private Task<AdmissionDecision> AdmitAsync(string masterSecret, AdmissionRequest request) =>
        new MasterAdmissionPolicy(_admission, masterSecret).AdmitAsync(request, CancellationToken.None).AsTask();

    [Fact]
    public async Task Worker_with_its_token_and_its_name_as_host_must_be_admitted()
    {
        var decision = await AdmitAsync("", Request("w1", ["worker"], ClusterCredential.ForWorker("w1", _token)));

        Assert.True(decision.Accepted, decision.Reason);
    }

    [Fact]
    public async Task Worker_must_be_refused_with_the_admission_reason_when_its_token_is_wrong()
    {
        var decision = await AdmitAsync("", Request("w1", ["worker"], ClusterCredential.ForWorker("w1", "nope")));

        Assert.Equal(AdmissionDecision.Refuse("wrong token for worker 'w1'"), decision);
    }

    [Fact]
    public async Task Worker_advertising_another_host_than_its_name_must_be_refused()
    {
        var decision = await AdmitAsync("", Request("w2", ["worker"], ClusterCredential.ForWorker("w1", _token)));

        Assert.False(decision.Accepted);
        Assert.Contains("advertises the host 'w2'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_claiming_the_master_role_must_be_refused()
    {
        var decision = await AdmitAsync("secret", Request("w1", ["worker", "master"], ClusterCredential.ForWorker("w1", _token)));

        Assert.False(decision.Accepted);
        Assert.Contains("claims the role 'master'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Master_must_be_admitted_only_with_the_configured_master_secret()
    {
        var request = Request("10.0.0.2", ["master"], ClusterCredential.ForMaster("10.0.0.2:4053", "secret"));

        Assert.True((await AdmitAsync("secret", request)).Accepted);
        Assert.Contains("wrong master secret", (await AdmitAsync("other", request)).Reason, StringComparison.Ordinal);
        Assert.Contains("master-secret is empty", (await AdmitAsync("", request)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_without_a_readable_credential_must_be_refused()
    {
        Assert.Contains("no readable credential", (await AdmitAsync("", Request("w1", ["worker"], null))).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/system/cluster/core", true)]
    [InlineData("/system/cluster/heartbeat", true)]
    [InlineData("/temp/abc", true)]
    [InlineData("/user/workers/w1", true)]
    [InlineData("/user/workers/w1/dev-1", true)]
    [InlineData("/user/workers/w10", false)]
    [InlineData("/user/workers/w2", false)]
    [InlineData("/user/workers", false)]
    [InlineData("/user/worker-presence/recorder", false)]
    [InlineData("/system/clusterX", false)]
    [InlineData("/system/cluster", false)]
    [InlineData("/system/cluster/core/child", false)]
    [InlineData("/system/cluster/heartbeat/x", false)]
    [InlineData("/system/cluster/other", false)]
    [InlineData("/system/singleton-manager", false)]
    [InlineData("/user/workers/w1x", false)]
    [InlineData("/tempo", false)]
    public void Inbound_authorizer_must_let_a_worker_reach_only_cluster_actors_replies_and_its_own_actors(string path, bool allowed)
    {
        var authorizer = new ClusterInboundAuthorizer();
        var w1 = new UniqueAddress(new Address("lava", "w1", 0), 7);

        Assert.Equal(allowed, authorizer.Authorize(w1, ["worker"], path));
        Assert.True(authorizer.Authorize(new UniqueAddress(new Address("lava", "10.0.0.2", 4053), 8), ["master"], path));
    }
}
