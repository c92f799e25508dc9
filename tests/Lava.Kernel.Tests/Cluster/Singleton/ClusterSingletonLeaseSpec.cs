using Lava.Kernel.TestKit;
using Lava.Kernel.Tests.Coordination;
using Lava.Kernel.Tests.Persistence;
using Npgsql;
using Xunit;

namespace Lava.Kernel.Tests.Cluster.Singleton;

[Collection(SingletonClusterCollection.Name)]
public sealed class ClusterSingletonLeaseSpec(PostgresSchemaFixture schema) : TestKit.TestKit(realTime: true), IClassFixture<PostgresSchemaFixture>
{
    private const string ManagerPath = "/user/manager";
    private readonly SingletonProbe _singletons = new();

    [Fact]
    public async Task ClusterSingletonManager_must_stop_the_singleton_when_its_lease_is_lost_and_start_it_again_once_it_holds_the_lease()
    {
        var store = new TestLeaseStore();
        await using var master = await SingletonTestNode.StartMasterAsync("master", null, Logs, Settings);
        var lease = new TestLease(store, "singleton-lease", master.Name);
        StartManager(master, lease);
        await _singletons.ExpectStartedAsync(master.Name, Dilated(TimeSpan.FromSeconds(10)));

        Assert.True(lease.Lose());

        var stopped = await _singletons.NextAsync(Dilated(TimeSpan.FromSeconds(5)), "the stop after the lost lease");
        Assert.Equal("stop@" + master.Name, stopped.ToString());
        await _singletons.ExpectStartedAsync(master.Name, Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(
            [TestLeaseEventKind.Acquired, TestLeaseEventKind.Lost, TestLeaseEventKind.Acquired],
            store.Events.Select(e => e.Kind));
        _singletons.AssertNoOverlap();
    }

    [Fact]
    public async Task ClusterSingletonManager_must_not_start_the_singleton_while_another_owner_holds_the_lease()
    {
        var store = new TestLeaseStore();
        var other = new TestLease(store, "singleton-lease", "elsewhere");
        Assert.True(await other.AcquireAsync(_ => { }));
        await using var master = await SingletonTestNode.StartMasterAsync("master", null, Logs, Settings);
        var lease = new TestLease(store, "singleton-lease", master.Name);
        StartManager(master, lease);

        // The oldest keeps trying, and does not start the singleton meanwhile.
        await AwaitAssertAsync(() => Assert.True(lease.AcquireAttempts >= 3), Dilated(TimeSpan.FromSeconds(10)));
        Assert.Empty(_singletons.Events);

        Assert.True(await other.ReleaseAsync());
        await _singletons.ExpectStartedAsync(master.Name, Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(master.Name, store.HolderOf("singleton-lease"));
    }

    [Fact]
    public async Task ClusterSingletonManager_must_release_the_lease_when_its_member_leaves()
    {
        var store = new TestLeaseStore();
        var master = await SingletonTestNode.StartMasterAsync("master", null, Logs, Settings);
        await using (master)
        {
            StartManager(master, new TestLease(store, "singleton-lease", master.Name));
            await _singletons.ExpectStartedAsync(master.Name, Dilated(TimeSpan.FromSeconds(10)));

            await CoordinatedShutdown.Get(master.System).RunAsync("leaving");
        }

        Assert.Equal(["start@" + master.Name, "stop@" + master.Name], _singletons.Events.Select(e => e.ToString()));
        Assert.Equal([TestLeaseEventKind.Acquired, TestLeaseEventKind.Released], store.Events.Select(e => e.Kind));
    }

    [PostgresFact]
    public async Task ClusterSingletonManager_must_run_one_singleton_when_two_masters_that_cannot_reach_each_other_share_a_PostgreSqlLease()
    {
        var leaseName = $"singleton-{Guid.NewGuid():N}";
        var settings = LeaseTestSettings.For(PostgresTestEnvironment.RequireConnectionString(), schema.SchemaName);
        // Two clusters of one master each: both are oldest, as in a network partition.
        var a = await SingletonTestNode.StartMasterAsync("a", null, Logs, Settings);
        await using var b = await SingletonTestNode.StartMasterAsync("b", null, Logs, Settings);
        StartManager(a, new PostgreSqlLease(leaseName, a.Cluster.SelfUniqueAddress.ToString(), settings));
        await _singletons.ExpectStartedAsync(a.Name, Dilated(TimeSpan.FromSeconds(15)));
        var bLease = new PostgreSqlLease(leaseName, b.Cluster.SelfUniqueAddress.ToString(), settings);
        StartManager(b, bLease);

        await AwaitAssertAsync(() => Assert.Contains(Logs.Entries, e => e.Message.Contains($"Lease {leaseName} for singleton [singleton] is held by another owner", StringComparison.Ordinal)),
            Dilated(TimeSpan.FromSeconds(10)));
        Assert.Equal(["start@" + a.Name], _singletons.Events.Select(e => e.ToString()));

        await using (a)
        {
            await CoordinatedShutdown.Get(a.System).RunAsync("leaving");
        }
        await _singletons.ExpectStartedAsync(b.Name, Dilated(TimeSpan.FromSeconds(15)));
        _singletons.AssertNoOverlap();

        var history = await HistoryAsync(leaseName);
        Assert.Equal([a.Cluster.SelfUniqueAddress.ToString(), b.Cluster.SelfUniqueAddress.ToString()], history.Select(h => h.Owner));
        Assert.Equal("released", history[0].Reason);
        Assert.True(history[0].ReleasedAt <= history[1].AcquiredAt);
    }

    private void StartManager(SingletonTestNode node, ILease lease) =>
        node.System.ActorOf(
            ClusterSingletonManager.Props(
                _singletons.Props(node.Name),
                SingletonProbe.End.Instance,
                new ClusterSingletonManagerSettings(Lease: () => lease, LeaseRetryInterval: TimeSpan.FromMilliseconds(200))),
            "manager");

    private async Task<List<(string Owner, DateTime AcquiredAt, DateTime? ReleasedAt, string? Reason)>> HistoryAsync(string name)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresTestEnvironment.RequireConnectionString()) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT owner, acquired_at, released_at, release_reason FROM \"{schema.SchemaName}\".lava_lease_history WHERE name = $1 ORDER BY acquired_at", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, DateTime, DateTime?, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetDateTime(1), reader.IsDBNull(2) ? null : reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return rows;
    }
}
