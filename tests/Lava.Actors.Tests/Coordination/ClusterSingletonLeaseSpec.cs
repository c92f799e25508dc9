using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Lava.Actors.Coordination;
using Lava.Actors.Tests.Persistence;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Coordination;

/// <summary>A one-node cluster whose singleton uses the PostgreSQL lease: the singleton runs only while the node holds it.</summary>
public sealed class ClusterSingletonLeaseSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresTestDatabase _database;
    private readonly string _schema;

    public ClusterSingletonLeaseSpec(PostgresTestDatabase database, ITestOutputHelper output)
        : base(Configure(database, out var schema), output: output) => (_database, _schema) = (database, schema);

    [PostgresFact]
    public async Task A_singleton_with_a_lease_must_run_only_while_its_node_holds_the_lease()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        Sys.ActorOf(ClusterSingletonManager.Props(Singleton.Props(TestActor), PoisonPill.Instance, ClusterSingletonManagerSettings.Create(Sys)), "scheduler");

        await ExpectMsgAsync(Singleton.Started, TimeSpan.FromSeconds(30));
        var holder = await SingleRowAsync();
        Assert.Contains("singleton", holder.Name, StringComparison.Ordinal);
        Assert.Equal(cluster.SelfAddress.HostPort(), holder.Owner);

        // Another owner takes the row for an hour: the node loses the lease and must stop the singleton.
        await _database.ExecuteAsync($"UPDATE \"{_schema}\".lava_lease SET owner = 'intruder', expires_at = clock_timestamp() + interval '1 hour'");
        await ExpectMsgAsync(Singleton.Stopped, TimeSpan.FromSeconds(15));
        await ExpectNoMsgAsync(TimeSpan.FromSeconds(2));

        await _database.ExecuteAsync($"DELETE FROM \"{_schema}\".lava_lease");
        await ExpectMsgAsync(Singleton.Started, TimeSpan.FromSeconds(15));
        Assert.Equal(cluster.SelfAddress.HostPort(), (await SingleRowAsync()).Owner);
    }

    private async Task<(string Name, string Owner)> SingleRowAsync()
    {
        await using var connection = await _database.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT name, owner FROM \"{_schema}\".lava_lease", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no lease row");
        var row = (reader.GetString(0), reader.GetString(1));
        Assert.False(await reader.ReadAsync(), "more than one lease row");
        return row;
    }

    private static Config Configure(PostgresTestDatabase database, out string schema)
    {
        schema = $"singleton_{Guid.NewGuid():N}";
        return ConfigurationFactory.ParseString($$"""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.cluster.singleton { use-lease = "{{PostgreSqlLease.ConfigPath}}", lease-retry-interval = 200ms }
            {{LeaseTables.Option(database.ConnectionString, schema).ToHocon()}}
            """);
    }

    /// <summary>Tells the probe when it starts and stops.</summary>
    private sealed class Singleton : ReceiveActor
    {
        public const string Started = "singleton started";
        public const string Stopped = "singleton stopped";

        private readonly IActorRef _probe;

        public Singleton(IActorRef probe) => _probe = probe;

        public static Props Props(IActorRef probe) => Akka.Actor.Props.Create(() => new Singleton(probe));

        protected override void PreStart() => _probe.Tell(Started);

        protected override void PostStop() => _probe.Tell(Stopped);
    }
}
