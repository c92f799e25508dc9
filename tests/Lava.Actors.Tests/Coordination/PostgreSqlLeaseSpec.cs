using Akka.Actor;
using Akka.Configuration;
using Akka.Coordination;
using Lava.Actors.Coordination;
using Lava.Actors.Tests.Persistence;
using Npgsql;
using Xunit;
using Xunit.Abstractions;
using static Lava.Actors.Tests.Coordination.LeaseTables;

namespace Lava.Actors.Tests.Coordination;

/// <summary>The lease against real PostgreSQL, through Akka's <see cref="LeaseProvider"/>; one schema per test.</summary>
public sealed class PostgreSqlLeaseSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<PostgresTestDatabase>
{
    private readonly PostgresTestDatabase _database;
    private readonly string _schema;

    public PostgreSqlLeaseSpec(PostgresTestDatabase database, ITestOutputHelper output)
        : base(Configure(database, out var schema), output: output) => (_database, _schema) = (database, schema);

    [PostgresFact]
    public async Task PostgreSqlLease_must_acquire_renew_and_release()
    {
        var name = LeaseName();
        var lease = Lease(name, "a");

        Assert.True(await lease.Acquire());
        Assert.True(lease.CheckLease());
        var first = await RowAsync(_database, _schema, name);
        Assert.Equal("a", first?.Owner);

        // Renewal moves the expiry on while the acquisition time stays.
        await AwaitAssertAsync(async () => Assert.True((await RowAsync(_database, _schema, name))?.RenewedAt > first!.RenewedAt, "the holder never renewed"));
        var renewed = await RowAsync(_database, _schema, name);
        Assert.Equal(first!.AcquiredAt, renewed!.AcquiredAt);
        Assert.True(renewed.ExpiresAt > first.ExpiresAt);
        Assert.True(lease.CheckLease());

        Assert.True(await lease.Release());
        Assert.False(lease.CheckLease());
        Assert.Null(await RowAsync(_database, _schema, name));
        var interval = Assert.Single(await HistoryAsync(_database, _schema, name));
        Assert.Equal(("a", "released"), (interval.Owner, interval.ReleaseReason));
        Assert.NotNull(interval.ReleasedAt);
        Assert.False(await lease.Release());
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_refuse_a_second_owner_while_held_and_admit_it_right_after_release()
    {
        var name = LeaseName();
        var (a, b) = (Lease(name, "a"), Lease(name, "b"));

        Assert.True(await a.Acquire());
        Assert.False(await b.Acquire());
        Assert.False(b.CheckLease());
        Assert.False(await b.Release());
        Assert.True(a.CheckLease());

        Assert.True(await a.Release());
        Assert.True(await b.Acquire());
        Assert.Equal("b", (await RowAsync(_database, _schema, name))?.Owner);
        Assert.False(await a.Acquire());
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_let_another_owner_take_it_only_after_a_holder_that_stopped_renewing_expired()
    {
        var name = LeaseName();
        var b = Lease(name, "b");
        var holder = ActorSystem.Create("holder", Sys.Settings.Config);
        Assert.True(await LeaseProvider.Get(holder).GetLease(name, PostgreSqlLease.ConfigPath, "a").Acquire());

        // The holder's system is gone without releasing, as a killed process: the row stays until it expires.
        await holder.Terminate();
        var abandoned = await RowAsync(_database, _schema, name);
        Assert.Equal("a", abandoned?.Owner);
        Assert.False(await b.Acquire());
        await AwaitAssertAsync(async () => Assert.True(await b.Acquire()), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

        var history = await HistoryAsync(_database, _schema, name);
        Assert.Equal(["a", "b"], history.Select(h => h.Owner));
        Assert.Equal((abandoned!.ExpiresAt, "expired"), (history[0].ReleasedAt, history[0].ReleaseReason));
        Assert.True(history[1].AcquiredAt >= abandoned.ExpiresAt, "taken before the old row expired");
        Assert.Null(history[1].ReleasedAt);
    }

    [PostgresFact]
    public async Task PostgreSqlLease_history_must_never_overlap_for_one_name_across_contended_cycles()
    {
        var name = LeaseName();
        var leases = new[] { Lease(name, "a"), Lease(name, "b"), Lease(name, "c") };
        var held = 0;
        var overlaps = 0;
        async Task CycleAsync(Lease lease)
        {
            var acquired = 0;
            for (var attempt = 0; acquired < 8 && attempt < 2000; attempt++)
            {
                if (!await lease.Acquire())
                {
                    await Task.Yield();
                    continue;
                }
                acquired++;
                if (Interlocked.Increment(ref held) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }
                await Task.Delay(5);
                Interlocked.Decrement(ref held);
                Assert.True(await lease.Release());
            }
            Assert.Equal(8, acquired);
        }

        await Task.WhenAll(leases.Select(l => Task.Run(() => CycleAsync(l))));

        Assert.Equal(0, overlaps);
        var history = await HistoryAsync(_database, _schema, name);
        Assert.Equal(24, history.Count);
        Assert.Equal(3, history.Select(h => h.Owner).Distinct().Count());
        Assert.All(history, h => Assert.Equal("released", h.ReleaseReason));
        for (var i = 1; i < history.Count; i++)
        {
            Assert.True(history[i - 1].ReleasedAt <= history[i].AcquiredAt,
                $"interval {i - 1} of {history[i - 1].Owner} ends at {history[i - 1].ReleasedAt:O} after {history[i].Owner} took it at {history[i].AcquiredAt:O}");
        }
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_report_lost_when_another_owner_took_its_row()
    {
        var name = LeaseName();
        var lease = Lease(name, "a");
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await lease.Acquire(e => lost.TrySetResult(e)));

        await _database.ExecuteAsync($"UPDATE \"{_schema}\".lava_lease SET owner = 'intruder' WHERE name = '{name}'");

        var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(lease.CheckLease());
        Assert.Contains("taken", Assert.IsType<LeaseException>(reason).Message, StringComparison.Ordinal);
        Assert.False(await lease.Release());
        Assert.Equal("intruder", (await RowAsync(_database, _schema, name))?.Owner);
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_report_lost_before_expiry_when_its_server_connections_are_terminated()
    {
        var name = LeaseName();
        var role = $"lava_lease_{Guid.NewGuid():N}"[..24];
        var other = Lease(name, "other");
        Assert.False(await other.Release());
        await _database.ExecuteAsync($"""
            CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA "{_schema}" TO {role};
            GRANT ALL ON ALL TABLES IN SCHEMA "{_schema}" TO {role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA "{_schema}" TO {role}
            """);
        var holderConfig = ConfigurationFactory.ParseString(Option(
            new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Username = role }.ConnectionString, _schema).ToHocon());
        var holderSystem = ActorSystem.Create("holder", holderConfig.WithFallback(Sys.Settings.Config));
        try
        {
            var holder = LeaseProvider.Get(holderSystem).GetLease(name, PostgreSqlLease.ConfigPath, "holder");
            var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            Assert.True(await holder.Acquire(e => lost.TrySetResult(e)));

            // Every session of the holder is killed and it cannot open new ones: it cannot renew any more.
            await _database.ExecuteAsync($"ALTER ROLE {role} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'");

            var reason = await lost.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(holder.CheckLease());
            Assert.IsType<LeaseException>(reason);
            var row = await RowAsync(_database, _schema, name);
            Assert.Equal("holder", row?.Owner);
            Assert.True(await ServerNowAsync(_database) < row!.ExpiresAt, "the holder reported the loss only after its row had expired");
            Assert.False(await other.Acquire());
            await AwaitAssertAsync(async () => Assert.True(await other.Acquire()), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            await holderSystem.Terminate();
            NpgsqlConnection.ClearAllPools();
            await _database.ExecuteAsync($"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    private Lease Lease(string name, string owner) => LeaseProvider.Get(Sys).GetLease(name, PostgreSqlLease.ConfigPath, owner);

    private static string LeaseName() => $"lease-{Guid.NewGuid():N}";

    private static Config Configure(PostgresTestDatabase database, out string schema)
    {
        schema = $"lease_{Guid.NewGuid():N}";
        return ConfigurationFactory.ParseString(Option(database.ConnectionString, schema).ToHocon());
    }
}
