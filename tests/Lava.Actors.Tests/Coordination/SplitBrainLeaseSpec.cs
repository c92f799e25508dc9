using Akka.Configuration;
using Akka.Coordination;
using Lava.Actors.Configuration;
using Lava.Actors.Coordination;
using Lava.Actors.Tests.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Coordination;

/// <summary>
/// A worker's split brain lease (<see cref="MastersLease"/>) through a master's <see cref="SplitBrainLeaseBroker"/> in a
/// one-master cluster: granted at once by a master whose resolver takes no lease (keep-oldest), and never without a master.
/// </summary>
public sealed class SplitBrainLeaseSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(SplitBrainLeases.Config("akka.cluster.split-brain-resolver.active-strategy = keep-oldest"), output: output)
{
    [Fact]
    public async Task A_worker_must_get_the_lease_only_through_a_reachable_master()
    {
        Sys.ActorOf(SplitBrainLeaseBroker.Props(), SplitBrainLeaseBroker.Name);
        var lease = SplitBrainLeases.WorkerLease(Sys);

        Assert.False(await lease.Acquire()); // no master is Up yet

        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        await SplitBrainLeases.UpInStateAsync(this, cluster);
        Assert.True(await lease.Acquire());
        Assert.False(lease.CheckLease()); // only the master knows: the resolver asks it anew
        Assert.True(await lease.Release());
        Assert.False(await lease.Release()); // nothing held any more
    }
}

/// <summary>
/// The same with the masters on lease-majority: the master takes the PostgreSQL resolver lease under its own name for the
/// worker's side, gives it back on release, and refuses while another side holds it.
/// </summary>
public sealed class SplitBrainLeaseMajoritySpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresTestDatabase _database;
    private readonly string _schema;

    public SplitBrainLeaseMajoritySpec(PostgresTestDatabase database, ITestOutputHelper output)
        : base(Configure(database, out var schema), output: output) => (_database, _schema) = (database, schema);

    [PostgresFact]
    public async Task A_master_must_take_the_resolvers_lease_for_its_side_and_refuse_it_while_another_side_holds_it()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        await SplitBrainLeases.UpInStateAsync(this, cluster);
        Sys.ActorOf(SplitBrainLeaseBroker.Props(), SplitBrainLeaseBroker.Name);
        var lease = SplitBrainLeases.WorkerLease(Sys);
        var name = $"{Sys.Name}-akka-sbr";

        Assert.True(await lease.Acquire());
        Assert.Equal(cluster.SelfAddress.HostPort(), (await LeaseTables.RowAsync(_database, _schema, name))?.Owner);

        Assert.True(await lease.Release());
        Assert.Null(await LeaseTables.RowAsync(_database, _schema, name));

        await _database.ExecuteAsync(
            $"INSERT INTO \"{_schema}\".lava_lease VALUES ('{name}', 'other-side', clock_timestamp(), clock_timestamp(), clock_timestamp() + interval '1 hour')");
        Assert.False(await lease.Acquire());
        Assert.Equal("other-side", (await LeaseTables.RowAsync(_database, _schema, name))?.Owner);
    }

    private static Config Configure(PostgresTestDatabase database, out string schema)
    {
        schema = $"sbr_{Guid.NewGuid():N}";
        return SplitBrainLeases.Config($"""
            akka.cluster.split-brain-resolver {"{"}
              active-strategy = lease-majority
              lease-majority.lease-implementation = "{PostgreSqlLease.ConfigPath}"
            {"}"}
            {LeaseTables.Option(database.ConnectionString, schema).ToHocon()}
            """);
    }
}

internal static class SplitBrainLeases
{
    /// <summary>A one-node cluster with the master role and Lava's reference configuration behind <paramref name="strategy"/>.</summary>
    public static Config Config(string strategy) => ConfigurationFactory.ParseString($"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp {"{"} hostname = 127.0.0.1, port = 0 {"}"}
        akka.cluster.roles = [master]
        {strategy}
        """).WithFallback(LavaConfig.Reference);

    /// <summary>
    /// Waits until the cluster's cached state (what <see cref="MastersLease"/> reads) shows this node Up: it follows the
    /// membership events a moment after the join completes.
    /// </summary>
    public static Task UpInStateAsync(Akka.TestKit.Xunit2.TestKit kit, Akka.Cluster.Cluster cluster) =>
        kit.AwaitConditionAsync(
            () => Task.FromResult(cluster.State.Members.Any(m => m.Address.Equals(cluster.SelfAddress) && m.Status == Akka.Cluster.MemberStatus.Up)),
            TimeSpan.FromSeconds(10));

    /// <summary>The lease a worker's resolver would take, named as Akka.NET names the resolver's lease.</summary>
    public static Lease WorkerLease(Akka.Actor.ActorSystem system) =>
        LeaseProvider.Get(system).GetLease($"{system.Name}-akka-sbr", MastersLease.ConfigPath, "worker-w1:2552");
}
